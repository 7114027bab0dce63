import type { AuditEntry, MessageRef, Store } from "../app/ports.js";
import type { Clock } from "../domain/clock.js";
import type { Platform } from "../domain/school-directory.js";
import { processDueTimers } from "./due-timers.js";
import { findThreadVisitId, linkThread, threadOf } from "./message-links.js";
import { claimOnce } from "./once-keys.js";
import type { Database } from "./open-database.js";
import { claimOutbox } from "./outbox-rows.js";
import { appendAudit } from "./pending-writes.js";
import { TX_OPTIONS } from "./prisma-tx.js";
import { anonymiseExpiredVisits } from "./retention.js";
import { inTx } from "./store-tx.js";
import { json, toVisit } from "./visit-mapper.js";
import { visitQuery } from "./visit-writes.js";

/**
 * The repository over Prisma: maps rows to domain objects; nothing else imports the client. Every
 * time it writes comes from `clock` (the app's, which the console can run faster), never the database's.
 */
export function createPrismaStore(db: Database, clock: Clock): Store {
  const prisma = db.prisma;
  return {
    kind: db.kind,
    inTransaction: (work) => prisma.$transaction((tx) => inTx(tx, clock, work), TX_OPTIONS),
    getVisit: async (id) => {
      const row = await prisma.visit.findUnique({ where: { id } });
      return row ? toVisit(row) : null;
    },
    listVisits: async (query) => (await prisma.visit.findMany(visitQuery(query))).map(toVisit),
    listAudit: async (visitId) =>
      (await prisma.auditEntry.findMany({ where: { visitId }, orderBy: { id: "asc" } })).map((row) => ({
        id: row.id.toString(),
        visitId: row.visitId,
        at: row.at,
        actorId: row.actorId,
        actor: row.actor,
        platform: row.platform as AuditEntry["platform"],
        action: row.action,
        detail: row.detail as Record<string, unknown>,
      })),
    listRecords: async (visitId) =>
      (await prisma.visitRecord.findMany({ where: { visitId }, orderBy: { submittedAt: "asc" } })).map((row) => ({
        ...row,
        form: row.form as Record<string, unknown>,
      })),
    appendAudit: (entry) => appendAudit(prisma, entry),
    processDueTimers: (now, limit, work) => processDueTimers(prisma, clock, now, limit, work),
    claimOutbox: (now, limit, leaseMs, owner) => claimOutbox(prisma, now, limit, leaseMs, owner),
    // Raw statements on the delivery path: several per message, each far cheaper than the query builder.
    markDelivered: async (id, ref, now) => {
      updatedOne(
        id,
        await prisma.$executeRaw`UPDATE "Outbox" SET state = 'delivered', "deliveredAt" = ${now}, "deliveredRef" = ${JSON.stringify(ref)}::jsonb, "lastError" = NULL WHERE id = ${id}`,
      );
    },
    markUndeliverable: async (id, error, retryAt) => {
      updatedOne(
        id,
        await prisma.$executeRaw`UPDATE "Outbox" SET state = 'undeliverable', "lastError" = ${error.slice(0, 1000)}, "nextAttemptAt" = ${retryAt} WHERE id = ${id}`,
      );
    },
    markFailed: async (id, error, retryAt) => {
      updatedOne(
        id,
        await prisma.$executeRaw`UPDATE "Outbox" SET state = 'pending', "lastError" = ${error.slice(0, 1000)}, "nextAttemptAt" = ${retryAt} WHERE id = ${id}`,
      );
    },
    findVisitByThread: async (platform, channel, threadId) => {
      const visitId = await findThreadVisitId(prisma, platform, channel, threadId);
      const row = visitId ? await prisma.visit.findUnique({ where: { id: visitId } }) : null;
      return row ? toVisit(row) : null;
    },
    linkThread: (platform, channel, threadId, visitId) => linkThread(prisma, platform, channel, threadId, visitId, clock.now()),
    claimOnce: (key, result = {}) => claimOnce(prisma, key, result, clock.now()),
    getMessageRef: async (visitId, platform, refKey) => {
      if (!visitId) return null;
      const rows = await prisma.$queryRaw<{ ref: MessageRef | null }[]>`
        SELECT "messageRefs"->(${`${platform}:${refKey}`}::text) AS ref FROM "Visit" WHERE id = ${visitId}`;
      return rows[0]?.ref ?? null;
    },
    saveMessageRef: async (visitId, platform, refKey, ref) => {
      if (!visitId) return;
      const thread = refKey === "thread" ? threadOf(ref) : null;
      // The thread is linked before its ref is saved: a reply may already be on its way.
      if (thread) await linkThread(prisma, platform, thread.channel, thread.threadId, visitId, clock.now());
      // jsonb_set keeps concurrent writers of other keys intact, unlike a read-modify-write.
      await prisma.$executeRaw`UPDATE "Visit" SET "messageRefs" = jsonb_set("messageRefs", ARRAY[${`${platform}:${refKey}`}], ${JSON.stringify(ref)}::jsonb, true) WHERE id = ${visitId}`;
    },
    getChannelBinding: async (platform, role) => {
      const rows = await prisma.$queryRaw<{ ref: MessageRef }[]>`
        SELECT ref FROM "ChannelBinding" WHERE platform = ${platform} AND role = ${role}`;
      return rows[0]?.ref ?? null;
    },
    saveChannelBinding: async (platform: Platform, role: string, ref: MessageRef) => {
      const updatedAt = clock.now();
      await prisma.channelBinding.upsert({
        where: { platform_role: { platform, role } },
        create: { platform, role, ref: json(ref), updatedAt },
        update: { ref: json(ref), updatedAt },
      });
    },
    anonymiseExpiredVisits: (now) => anonymiseExpiredVisits(prisma, now),
    close: () => db.close(),
  };
}

/** As the query builder's update does: a row that is not there is an error, not a silent no-op. */
function updatedOne(id: string, count: number): void {
  if (count !== 1) throw new Error(`outbox row ${id} was not found`);
}
