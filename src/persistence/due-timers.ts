import type { DueTimer, StoreTx } from "../app/ports.js";
import type { Clock } from "../domain/clock.js";
import { processLog } from "../observability/process-log.js";
import type { PrismaClient, Visit as VisitRow } from "./generated/client.js";
import { PendingWrites } from "./pending-writes.js";
import { TX_OPTIONS, type Tx } from "./prisma-tx.js";
import { createTx, inTx } from "./store-tx.js";
import { VisitSession } from "./visit-session.js";

/** Timers claimed together, in one transaction. */
const TIMER_BATCH = 25;
/** A timer whose work failed is looked at again this much later. */
const RETRY_FAILED_MS = 15_000;

/**
 * Claims due timers with FOR UPDATE SKIP LOCKED, each locked together with its visit, and runs the
 * work in the claiming transaction: two instances never act on one timer, and a crash mid-way
 * rolls the claim back. Timers are claimed in batches, each batch one transaction whose writes go
 * to the database in two statements at its end (see PendingWrites): a visit's changes are saved with
 * its timer's, or not at all. Work that fails leaves its visit as it was and its timer is retried
 * in 15 s, without holding back the rest of the batch; if the batch's own statements fail, its
 * timers are done again one per transaction.
 */
export async function processDueTimers(
  prisma: PrismaClient,
  clock: Clock,
  school: string,
  now: Date,
  limit: number,
  work: (tx: StoreTx, timer: DueTimer) => Promise<void>,
): Promise<number> {
  let processed = 0;
  // Timers that failed, or that had to be done one by one, are not claimed again in this call.
  const passOver: string[] = [];
  while (processed < limit) {
    const size = Math.min(TIMER_BATCH, limit - processed);
    const claimed: DueTimer[] = [];
    let batch: BatchOutcome;
    try {
      batch = await prisma.$transaction((tx) => runBatch(tx, clock, school, now, size, passOver, claimed, work), TX_OPTIONS);
    } catch (error) {
      if (claimed.length === 0) throw error; // the claim itself failed: the database is not answering
      processLog().error("a batch of timers failed; doing them one by one", { err: error });
      for (const timer of claimed) {
        passOver.push(timer.id);
        if (processed < limit && (await processOneTimer(prisma, clock, school, now, timer.id, work))) processed++;
      }
      continue;
    }
    for (const { timer, error } of batch.failed) {
      passOver.push(timer.id);
      processLog().error(`timer ${timer.id} failed and will be retried in 15 s`, { err: error, visitId: timer.visitId });
    }
    processed += batch.claimed;
    if (batch.claimed < size) break;
  }
  return processed;
}

interface BatchOutcome {
  claimed: number;
  failed: { timer: DueTimer; error: unknown }[];
}

export type ClaimedRow = VisitRow & { timerId: string; timerDueAt: Date };

async function runBatch(
  tx: Tx,
  clock: Clock,
  school: string,
  now: Date,
  size: number,
  passOver: readonly string[],
  claimed: DueTimer[],
  work: (tx: StoreTx, timer: DueTimer) => Promise<void>,
): Promise<BatchOutcome> {
  // Lock each visit with its timer, skipping both if anyone holds either: use cases lock the visit
  // first, so taking the timer alone here could deadlock against a reply.
  const rows = await tx.$queryRaw<ClaimedRow[]>`
    SELECT t.id AS "timerId", t."dueAt" AS "timerDueAt", v.*
    FROM "Timer" t JOIN "Visit" v ON v.id = t."visitId"
    WHERE t."schoolId" = ${school} AND t.state = 'pending' AND t."dueAt" <= ${now} AND NOT (t.id = ANY(${passOver}::text[]))
    ORDER BY t."dueAt" ASC, t.id ASC LIMIT ${size} FOR UPDATE OF t, v SKIP LOCKED`;
  const visits = new Map<string, VisitRow>();
  for (const { timerId: _timerId, timerDueAt: _timerDueAt, ...row } of rows) visits.set(row.id, row);
  const session = new VisitSession(tx, school, visits);
  const batch = new PendingWrites(school);
  const failed: BatchOutcome["failed"] = [];
  for (const row of rows) {
    const timer: DueTimer = { id: row.timerId, visitId: row.id, dueAt: row.timerDueAt };
    claimed.push(timer);
    // Each timer's writes are its own until its work succeeds: a failure leaves nothing behind.
    const staged = new PendingWrites(school, batch);
    try {
      await work(createTx(tx, clock, staged, session), timer);
      batch.add(staged);
    } catch (error) {
      failed.push({ timer, error });
    }
  }
  if (failed.length > 0) batch.retry = { ids: failed.map((f) => f.timer.id), at: new Date(now.getTime() + RETRY_FAILED_MS) };
  await batch.write(tx, clock.now());
  return { claimed: rows.length, failed };
}

/**
 * One timer in its own transaction, through the ordinary StoreTx: for a batch whose statements
 * failed. False when it is no longer due or someone else holds it.
 */
async function processOneTimer(
  prisma: PrismaClient,
  clock: Clock,
  school: string,
  now: Date,
  timerId: string,
  work: (tx: StoreTx, timer: DueTimer) => Promise<void>,
): Promise<boolean> {
  let claimed = false;
  try {
    return await prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<DueTimer[]>`
        SELECT t.id, t."visitId", t."dueAt" FROM "Timer" t JOIN "Visit" v ON v.id = t."visitId"
        WHERE t.id = ${timerId} AND t."schoolId" = ${school} AND t.state = 'pending' AND t."dueAt" <= ${now}
        FOR UPDATE OF t, v SKIP LOCKED`;
      const timer = rows[0];
      if (!timer) return false;
      claimed = true;
      await inTx(tx, clock, school, (stx) => work(stx, timer));
      return true;
    }, TX_OPTIONS);
  } catch (error) {
    if (!claimed) throw error;
    // One broken visit must not stall every other visit's timers: look again shortly.
    await prisma.timer.update({
      where: { id: timerId },
      data: { dueAt: new Date(now.getTime() + RETRY_FAILED_MS), attempt: { increment: 1 } },
    });
    processLog().error(`timer ${timerId} failed and will be retried in 15 s`, { err: error });
    return true;
  }
}
