import type { CriticalBacklog, OnceClaim, OutgoingMessage, RecordRow, StoreTx } from "../app/ports.js";
import type { Clock } from "../domain/clock.js";
import { linkThread } from "./message-links.js";
import { claimOnce } from "./once-keys.js";
import { PendingWrites } from "./pending-writes.js";
import type { Tx } from "./prisma-tx.js";
import { json, toVisitData } from "./visit-mapper.js";
import { VisitSession } from "./visit-session.js";

/** Runs `work` on a StoreTx over `tx`, then writes what it left buffered: all before the commit. */
export async function inTx<T>(tx: Tx, clock: Clock, school: string, work: (stx: StoreTx) => Promise<T>): Promise<T> {
  const writes = new PendingWrites(school);
  const result = await work(createTx(tx, clock, writes, new VisitSession(tx, school)));
  await writes.write(tx, clock.now());
  return result;
}

/**
 * The one StoreTx: use cases run on it, and so does each timer of the safety tick's batches.
 * Visit saves, audit entries, timers and outbox messages are held in `writes` until the end
 * (nothing reads them back but through this StoreTx), then go in two statements.
 */
export function createTx(tx: Tx, clock: Clock, writes: PendingWrites, session: VisitSession): StoreTx {
  return {
    getVisitForUpdate: async (id) => writes.savedVisit(id) ?? (await session.load(id))?.visit ?? null,
    insertVisit: async (visit) => {
      await tx.visit.create({
        data: {
          id: visit.id,
          schoolId: writes.school,
          version: visit.version,
          ...toVisitData(visit),
          createdAt: visit.createdAt,
          updatedAt: clock.now(),
        },
      });
    },
    updateVisit: async (visit) => {
      const read = await session.load(visit.id);
      const current = writes.savedVisit(visit.id) ?? read?.visit;
      // Only over the version that was read: two approvers at once, one wins.
      if (!read || !current || current.version !== visit.version) return null;
      const saved = { ...visit, version: visit.version + 1 };
      writes.saveVisit(saved, read.loaded);
      return saved;
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
    latestRecordId: async (visitId, stop) =>
      (
        await tx.visitRecord.findFirst({
          where: { visitId, ...(stop === undefined ? {} : { form: { path: ["stop"], equals: stop } }) },
          orderBy: { submittedAt: "desc" },
          select: { id: true },
        })
      )?.id ?? null,
    undeliveredCritical: async (visitId): Promise<CriticalBacklog[]> => {
      const queued = writes
        .queuedFor(visitId)
        .filter((message) => message.critical)
        .map((message) => ({ id: "", target: message.target, queuedAt: clock.now(), lastError: null, reportedAt: null }));
      return [...(await session.undeliveredCritical(visitId)), ...queued];
    },
    markReported: async (ids) => {
      writes.reported.push(...ids.filter(Boolean));
    },
    listCardKeys: async (visitId) => {
      const rows = await tx.$queryRaw<{ refKey: string }[]>`
        SELECT DISTINCT "refKey" FROM "Outbox" WHERE "visitId" = ${visitId} AND "refKey" LIKE 'card:%'`;
      const queued = writes
        .queuedFor(visitId)
        .flatMap((message) => (message.refKey?.startsWith("card:") ? [message.refKey] : []));
      return [...new Set([...rows.map((row) => row.refKey), ...queued])];
    },
    claimOnce: (key: string, result: Record<string, unknown> = {}): Promise<OnceClaim> => claimOnce(tx, key, result, clock.now()),
    linkThread: (platform, channel, threadId, visitId) =>
      linkThread(tx, writes.school, platform, channel, threadId, visitId, clock.now()),
    insertRecord: async (record: RecordRow, options = {}) => {
      await tx.visitRecord.create({ data: { ...record, form: json(record.form) } });
      if (options.visitRecorded === false) return;
      await tx.visit.update({
        where: { id: record.visitId },
        data: { recordedAt: record.submittedAt, updatedAt: record.submittedAt },
      });
    },
  };
}
