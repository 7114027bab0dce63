import type { OutgoingMessage, RecordRow, StoreTx } from "../app/ports.js";
import type { Clock } from "../domain/clock.js";
import type { Visit } from "../domain/visit.js";
import type { Visit as VisitRow } from "./generated/client.js";
import { PendingWrites } from "./pending-writes.js";
import type { Tx } from "./prisma-tx.js";
import { json, largeColumnsText, toVisit, toVisitData } from "./visit-mapper.js";
import { type Loaded, updateVisits, visitWrite } from "./visit-writes.js";

/** Runs `work` on a StoreTx over `tx`, then writes what it left buffered: all before the commit. */
export async function inTx<T>(tx: Tx, clock: Clock, work: (stx: StoreTx) => Promise<T>): Promise<T> {
  const writes = new PendingWrites();
  const result = await work(createTx(tx, clock, writes));
  await writes.write(tx, clock.now());
  return result;
}

/**
 * A StoreTx over one transaction. Audit entries, timers and outbox messages are only ever written
 * (nothing in a transaction reads them back but the count of undelivered critical messages, which
 * counts the buffered ones too), so they are buffered and go in one statement before the commit.
 */
export function createTx(tx: Tx, clock: Clock, writes: PendingWrites): StoreTx {
  // What this transaction read of the visits it holds locked, so an update leaves out large
  // columns that are as they were read.
  const loaded = new Map<string, Loaded>();
  return {
    getVisitForUpdate: async (id) => {
      const rows = await tx.$queryRaw<VisitRow[]>`SELECT * FROM "Visit" WHERE id = ${id} FOR UPDATE`;
      const row = rows[0];
      if (!row) return null;
      const visit = toVisit(row);
      loaded.set(id, { version: visit.version, large: largeColumnsText(visit) });
      return visit;
    },
    insertVisit: async (visit) => {
      await tx.visit.create({
        data: { id: visit.id, version: visit.version, ...toVisitData(visit), createdAt: visit.createdAt, updatedAt: clock.now() },
      });
    },
    updateVisit: async (visit: Visit) => {
      const known = loaded.get(visit.id);
      // Only over the version that was read: otherwise the version check refuses it anyway.
      const write = visitWrite(visit, visit.version, known?.version === visit.version ? known.large : undefined);
      if ((await updateVisits(tx, [write], clock.now())) !== 1) return null;
      loaded.set(visit.id, { version: write.newVersion, large: write.large });
      return { ...visit, version: write.newVersion };
    },
    appendAudit: async (entry) => {
      writes.audit.push(entry);
    },
    setSafetyTimer: async (visitId, dueAt) => {
      writes.timers.set(visitId, dueAt);
    },
    enqueue: async (messages: readonly OutgoingMessage[], now: Date) => {
      for (const message of messages) writes.outbox.push({ message, now });
    },
    latestRecordId: async (visitId) =>
      (await tx.visitRecord.findFirst({ where: { visitId }, orderBy: { submittedAt: "desc" }, select: { id: true } }))?.id ??
      null,
    countUndeliveredCritical: async (visitId) =>
      (await tx.outbox.count({ where: { visitId, critical: true, state: { in: ["pending", "sending"] } } })) +
      writes.criticalFor(visitId),
    insertRecord: async (record: RecordRow) => {
      await tx.visitRecord.create({ data: { ...record, form: json(record.form) } });
      await tx.visit.update({
        where: { id: record.visitId },
        data: { recordedAt: record.submittedAt, updatedAt: record.submittedAt },
      });
    },
  };
}
