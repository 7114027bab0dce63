import type { ClaimOptions, DeliveryOperation, PlatformPause } from "../app/outbox-port.js";
import type { MessageRef, OutboxRow } from "../app/ports.js";
import type { Platform } from "../domain/school-directory.js";
import { Prisma, type PrismaClient } from "./generated/client.js";

const STUCK_AFTER_MS = 2 * 60_000;

interface ClaimedRow {
  id: string;
  visitId: string | null;
  platform: string;
  target: unknown;
  message: unknown;
  updates: string | null;
  refKey: string | null;
  critical: boolean;
  attempts: number;
  createdAt: Date;
  seq: bigint;
}

/**
 * One statement: pick the due rows (oldest first) that nothing earlier of their visit holds back,
 * lock them (SKIP LOCKED: two instances never take the same row), and lease them to `owner`.
 *
 * An earlier row of the same visit, platform and place (the thread, a channel, one person's chat;
 * never another place, so an alarm to the alerts channel never waits behind a thread reply)
 * holds a row back while it is being sent by anyone
 * (a live lease), or while it waits for a retry and is younger than `stuckAfterMs`. An
 * undeliverable row, or one stuck for longer, does not. Earlier rows of the same place that are
 * still pending are claimed along with a due one, whatever their backoff, so after an outage a
 * visit's messages go out in the order they were decided. The state is checked again under the
 * lock, so a row another instance claimed or delivered meanwhile is left alone.
 */
/**
 * The place a row goes, for ordering: its target, with a visit's thread replies in the same lane as
 * the thread's opener (a post to the visits channel) that they wait for. orderLaneOf in
 * src/app/delivery/order-lane.ts is the same rule for the runner's chains.
 */
const lane = (alias: "o" | "e") =>
  Prisma.raw(
    `(CASE WHEN ${alias}.target->>'kind' = 'visit_thread' THEN '{"kind": "channel", "role": "visits"}'::jsonb ELSE ${alias}.target END)`,
  );

export async function claimOutbox(
  prisma: PrismaClient,
  school: string,
  now: Date,
  limit: number,
  leaseMs: number,
  owner: string,
  options: ClaimOptions = {},
): Promise<OutboxRow[]> {
  const leaseUntil = new Date(now.getTime() + leaseMs);
  const stuckBefore = new Date(now.getTime() - (options.stuckAfterMs ?? STUCK_AFTER_MS));
  const platforms = options.platforms ? [...options.platforms] : null;
  const exclude = [...(options.exclude ?? [])];
  const rows = await prisma.$queryRaw<ClaimedRow[]>`
    WITH due AS (
      SELECT o.id, o."visitId", o.platform, ${lane("o")} AS lane, o.seq FROM "Outbox" o
      WHERE o."schoolId" = ${school} AND o.state IN ('pending', 'sending', 'undeliverable') AND o."nextAttemptAt" <= ${now}
        AND (${platforms}::text[] IS NULL OR o.platform = ANY(${platforms}::text[]))
        AND NOT (o.id = ANY(${exclude}::text[]))
        AND NOT EXISTS (
          SELECT 1 FROM "PlatformPause" p
          WHERE p.platform = o.platform AND p.until > ${now}
            AND p.operation = (CASE WHEN o.updates IS NULL THEN 'post' ELSE 'update' END))
        AND NOT EXISTS (
          SELECT 1 FROM "Outbox" e
          WHERE o."visitId" IS NOT NULL AND e."visitId" = o."visitId" AND e.platform = o.platform AND ${lane("e")} = ${lane("o")}
            AND e.seq < o.seq
            AND e."nextAttemptAt" > ${now}
            AND (e.state = 'sending' OR (e.state = 'pending' AND e."createdAt" > ${stuckBefore})))
      ORDER BY o.seq ASC LIMIT ${limit}
    ),
    earlier AS (
      SELECT e.id FROM "Outbox" e
      JOIN due d ON e."visitId" = d."visitId" AND e.platform = d.platform AND ${lane("e")} = d.lane AND e.seq < d.seq
      WHERE e.state = 'pending' AND NOT (e.id = ANY(${exclude}::text[]))
    ),
    locked AS (
      SELECT o.id FROM "Outbox" o
      WHERE (o.id IN (SELECT id FROM due) AND o.state IN ('pending', 'sending', 'undeliverable') AND o."nextAttemptAt" <= ${now})
         OR (o.id IN (SELECT id FROM earlier) AND o.state = 'pending')
      FOR UPDATE SKIP LOCKED
    )
    UPDATE "Outbox" o SET state = 'sending', "nextAttemptAt" = ${leaseUntil}, attempts = o.attempts + 1, "claimedBy" = ${owner}
    FROM locked WHERE o.id = locked.id
    RETURNING o.id, o."visitId", o.platform, o.target, o.message, o.updates, o."refKey", o.critical, o.attempts, o."createdAt", o.seq`;
  return rows
    .sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0))
    .map((row) => ({
      id: row.id,
      visitId: row.visitId,
      platform: row.platform as Platform,
      target: row.target as OutboxRow["target"],
      message: row.message as OutboxRow["message"],
      ...(row.updates ? { updates: row.updates } : {}),
      ...(row.refKey ? { refKey: row.refKey } : {}),
      critical: row.critical,
      attempts: row.attempts,
      queuedAt: new Date(row.createdAt),
    }));
}

// Raw statements on the delivery path: several per message, each far cheaper than the query builder.

export async function markDelivered(prisma: PrismaClient, id: string, ref: MessageRef, now: Date): Promise<void> {
  updatedOne(
    id,
    await prisma.$executeRaw`UPDATE "Outbox" SET state = 'delivered', "deliveredAt" = ${now}, "deliveredRef" = ${JSON.stringify(ref)}::jsonb, "lastError" = NULL, "claimedBy" = NULL WHERE id = ${id}`,
  );
}

export async function markUndeliverable(prisma: PrismaClient, id: string, error: string, retryAt: Date): Promise<void> {
  updatedOne(
    id,
    await prisma.$executeRaw`UPDATE "Outbox" SET state = 'undeliverable', "lastError" = ${error.slice(0, 1000)}, "nextAttemptAt" = ${retryAt}, "claimedBy" = NULL WHERE id = ${id}`,
  );
}

export async function markFailed(prisma: PrismaClient, id: string, error: string, retryAt: Date): Promise<void> {
  updatedOne(
    id,
    await prisma.$executeRaw`UPDATE "Outbox" SET state = 'pending', "lastError" = ${error.slice(0, 1000)}, "nextAttemptAt" = ${retryAt}, "claimedBy" = NULL WHERE id = ${id}`,
  );
}

export async function renewLeases(prisma: PrismaClient, ids: readonly string[], owner: string, until: Date): Promise<number> {
  if (ids.length === 0) return 0;
  return prisma.$executeRaw`UPDATE "Outbox" SET "nextAttemptAt" = ${until}
    WHERE id = ANY(${[...ids]}::text[]) AND state = 'sending' AND "claimedBy" = ${owner}`;
}

export async function releaseClaims(prisma: PrismaClient, ids: readonly string[], owner: string, at: Date): Promise<number> {
  if (ids.length === 0) return 0;
  return prisma.$executeRaw`UPDATE "Outbox" SET state = 'pending', "nextAttemptAt" = ${at}, attempts = GREATEST(attempts - 1, 0), "claimedBy" = NULL
    WHERE id = ANY(${[...ids]}::text[]) AND state = 'sending' AND "claimedBy" = ${owner}`;
}

export async function pausePlatform(
  prisma: PrismaClient,
  platform: Platform,
  operation: DeliveryOperation,
  until: Date,
  reason: string,
): Promise<void> {
  await prisma.$executeRaw`INSERT INTO "PlatformPause" (platform, operation, until, reason) VALUES (${platform}, ${operation}, ${until}, ${reason.slice(0, 500)})
    ON CONFLICT (platform, operation) DO UPDATE SET until = GREATEST("PlatformPause".until, EXCLUDED.until), reason = EXCLUDED.reason`;
}

export async function platformPauses(prisma: PrismaClient, now: Date): Promise<PlatformPause[]> {
  const rows = await prisma.$queryRaw<{ platform: string; operation: string; until: Date }[]>`
    SELECT platform, operation, until FROM "PlatformPause" WHERE until > ${now}`;
  return rows.map((row) => ({
    platform: row.platform as Platform,
    operation: row.operation as DeliveryOperation,
    until: new Date(row.until),
  }));
}

export async function outboxBacklog(prisma: PrismaClient): Promise<{ platform: string; critical: boolean; count: number }[]> {
  const rows = await prisma.$queryRaw<{ platform: string; critical: boolean; count: number }[]>`
    SELECT platform, critical, count(*)::int AS count FROM "Outbox"
    WHERE state IN ('pending', 'sending', 'undeliverable') GROUP BY platform, critical`;
  return rows.map((row) => ({ platform: row.platform, critical: row.critical, count: Number(row.count) }));
}

export async function oldestUndeliveredCritical(prisma: PrismaClient): Promise<Date | null> {
  const rows = await prisma.$queryRaw<{ oldest: Date | null }[]>`
    SELECT min("createdAt") AS oldest FROM "Outbox" WHERE critical AND state IN ('pending', 'sending', 'undeliverable')`;
  const oldest = rows[0]?.oldest;
  return oldest ? new Date(oldest) : null;
}

/** As the query builder's update does: a row that is not there is an error, not a silent no-op. */
function updatedOne(id: string, count: number): void {
  if (count !== 1) throw new Error(`outbox row ${id} was not found`);
}
