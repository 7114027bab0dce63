import { randomUUID } from "node:crypto";
import type {
  AuditEntry,
  AuditInput,
  DueTimer,
  MessageRef,
  OutboxRow,
  OutgoingMessage,
  RecordRow,
  Store,
  StoreTx,
  VisitQuery,
} from "../app/ports.js";
import type { Platform } from "../domain/school-directory.js";
import type { Visit } from "../domain/visit.js";
import type { Prisma, PrismaClient } from "./generated/client.js";
import type { Database } from "./open-database.js";
import { json, toVisit, toVisitData } from "./visit-mapper.js";

type Tx = Prisma.TransactionClient;

// Generous: PGlite serialises everything through one connection.
const TX_OPTIONS = { maxWait: 20_000, timeout: 30_000 };

/** The repository over Prisma: maps rows to domain objects; nothing else imports the client. */
export function createPrismaStore(db: Database): Store {
  const prisma = db.prisma;
  return {
    kind: db.kind,
    inTransaction: (work) => prisma.$transaction((tx) => work(createTx(tx)), TX_OPTIONS),
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
    processDueTimers: (now, limit, work) => processDueTimers(prisma, now, limit, work),
    claimOutbox: (now, limit, leaseMs, owner) => claimOutbox(prisma, now, limit, leaseMs, owner),
    markDelivered: async (id, ref, now) => {
      await prisma.outbox.update({
        where: { id },
        data: { state: "delivered", deliveredAt: now, deliveredRef: json(ref), lastError: null },
      });
    },
    markUndeliverable: async (id, error, retryAt) => {
      await prisma.outbox.update({
        where: { id },
        data: { state: "undeliverable", lastError: error.slice(0, 1000), nextAttemptAt: retryAt },
      });
    },
    markFailed: async (id, error, retryAt) => {
      await prisma.outbox.update({
        where: { id },
        data: { state: "pending", lastError: error.slice(0, 1000), nextAttemptAt: retryAt },
      });
    },
    findVisitByMessageRef: async (platform, refKey, field, value) => {
      const row = await prisma.visit.findFirst({
        where: { messageRefs: { path: [`${platform}:${refKey}`, field], equals: value } },
      });
      return row ? toVisit(row) : null;
    },
    getMessageRef: async (visitId, platform, refKey) => {
      if (!visitId) return null;
      const row = await prisma.visit.findUnique({ where: { id: visitId }, select: { messageRefs: true } });
      const refs = (row?.messageRefs ?? {}) as Record<string, MessageRef>;
      return refs[`${platform}:${refKey}`] ?? null;
    },
    saveMessageRef: async (visitId, platform, refKey, ref) => {
      if (!visitId) return;
      // jsonb_set keeps concurrent writers of other keys intact, unlike a read-modify-write.
      await prisma.$executeRaw`UPDATE "Visit" SET "messageRefs" = jsonb_set("messageRefs", ARRAY[${`${platform}:${refKey}`}], ${JSON.stringify(ref)}::jsonb, true) WHERE id = ${visitId}`;
    },
    getChannelBinding: async (platform, role) => {
      const row = await prisma.channelBinding.findUnique({ where: { platform_role: { platform, role } } });
      return (row?.ref as MessageRef | undefined) ?? null;
    },
    saveChannelBinding: async (platform: Platform, role: string, ref: MessageRef) => {
      await prisma.channelBinding.upsert({
        where: { platform_role: { platform, role } },
        create: { platform, role, ref: json(ref) },
        update: { ref: json(ref) },
      });
    },
    anonymiseExpiredVisits: (now) => anonymiseExpiredVisits(prisma, now),
    close: () => db.close(),
  };
}

function visitQuery(query: VisitQuery): Prisma.VisitFindManyArgs {
  const where: Prisma.VisitWhereInput = { anonymisedAt: null };
  if (query.staffId)
    where.OR = [{ leadStaffId: query.staffId }, { secondStaffId: query.staffId }, { requesterId: query.staffId }];
  if (query.statuses) where.status = { in: [...query.statuses] };
  if (query.from || query.to) where.plannedStart = { gte: query.from, lt: query.to };
  return { where, orderBy: { plannedStart: "asc" }, take: query.limit ?? 50 };
}

function createTx(tx: Tx): StoreTx {
  return {
    getVisitForUpdate: async (id) => {
      const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Visit" WHERE id = ${id} FOR UPDATE`;
      if (rows.length === 0) return null;
      const row = await tx.visit.findUnique({ where: { id } });
      return row ? toVisit(row) : null;
    },
    insertVisit: async (visit) => {
      await tx.visit.create({ data: { id: visit.id, version: visit.version, ...toVisitData(visit) } });
    },
    updateVisit: async (visit: Visit) => {
      const result = await tx.visit.updateMany({
        where: { id: visit.id, version: visit.version },
        data: { ...toVisitData(visit), version: { increment: 1 } },
      });
      return result.count === 1 ? { ...visit, version: visit.version + 1 } : null;
    },
    appendAudit: (entry) => appendAudit(tx, entry),
    setSafetyTimer: async (visitId, dueAt) => {
      const id = `${visitId}:safety`;
      if (!dueAt) {
        await tx.timer.updateMany({ where: { id, state: "pending" }, data: { state: "done", firedAt: new Date() } });
        return;
      }
      await tx.timer.upsert({
        where: { id },
        create: { id, visitId, kind: "safety", dueAt, state: "pending" },
        update: { dueAt, state: "pending", claimedBy: null, claimedAt: null },
      });
    },
    enqueue: async (messages: readonly OutgoingMessage[], now: Date) => {
      if (messages.length === 0) return;
      await tx.outbox.createMany({
        data: messages.map((message) => ({
          id: randomUUID(),
          visitId: message.visitId,
          platform: message.platform,
          target: json(message.target),
          message: json(message.message),
          updates: message.updates ?? null,
          refKey: message.refKey ?? null,
          critical: message.critical ?? false,
          nextAttemptAt: now,
        })),
      });
    },
    latestRecordId: async (visitId) =>
      (await tx.visitRecord.findFirst({ where: { visitId }, orderBy: { submittedAt: "desc" }, select: { id: true } }))?.id ??
      null,
    countUndeliveredCritical: (visitId) =>
      tx.outbox.count({ where: { visitId, critical: true, state: { in: ["pending", "sending"] } } }),
    insertRecord: async (record: RecordRow) => {
      await tx.visitRecord.create({ data: { ...record, form: json(record.form) } });
      await tx.visit.update({ where: { id: record.visitId }, data: { recordedAt: record.submittedAt } });
    },
  };
}

async function appendAudit(client: Tx | PrismaClient, entry: AuditInput): Promise<void> {
  await client.auditEntry.create({
    data: {
      visitId: entry.visitId,
      at: entry.at,
      actorId: entry.actorId,
      actor: entry.actor,
      platform: entry.platform,
      action: entry.action,
      detail: json(entry.detail ?? {}),
    },
  });
}

/**
 * Claims one due timer at a time with FOR UPDATE SKIP LOCKED and runs the work in the same
 * transaction: two instances never act on one timer, and a crash mid-way rolls the claim back.
 */
async function processDueTimers(
  prisma: PrismaClient,
  now: Date,
  limit: number,
  work: (tx: StoreTx, timer: DueTimer) => Promise<void>,
): Promise<number> {
  let processed = 0;
  const skipped: string[] = [];
  while (processed < limit) {
    const claimed = await prisma
      .$transaction(async (tx) => {
        // Lock the visit with its timer, skipping both if anyone holds either: use cases lock the
        // visit first, so taking the timer alone here could deadlock against a reply.
        const rows = await tx.$queryRaw<DueTimer[]>`
          SELECT t.id, t."visitId", t."dueAt" FROM "Timer" t JOIN "Visit" v ON v.id = t."visitId"
          WHERE t.state = 'pending' AND t."dueAt" <= ${now} AND NOT (t.id = ANY(${skipped}::text[]))
          ORDER BY t."dueAt" ASC LIMIT 1 FOR UPDATE OF t, v SKIP LOCKED`;
        const timer = rows[0];
        if (!timer) return null;
        try {
          await work(createTx(tx), timer);
        } catch (error) {
          skipped.push(timer.id);
          throw error;
        }
        return timer;
      }, TX_OPTIONS)
      .catch(async (error: unknown) => {
        // One broken visit must not stall every other visit's timers: look again shortly.
        const id = skipped[skipped.length - 1];
        if (id) {
          await prisma.timer.update({
            where: { id },
            data: { dueAt: new Date(now.getTime() + 15_000), attempt: { increment: 1 } },
          });
          console.error(`homevisit: timer ${id} failed and will be retried in 15 s:`, error);
          return "failed" as const;
        }
        throw error;
      });
    if (claimed === null) break;
    processed++;
  }
  return processed;
}

async function claimOutbox(prisma: PrismaClient, now: Date, limit: number, leaseMs: number, owner: string): Promise<OutboxRow[]> {
  const leaseUntil = new Date(now.getTime() + leaseMs);
  const rows = await prisma.$queryRaw<
    {
      id: string;
      visitId: string | null;
      platform: string;
      target: unknown;
      message: unknown;
      updates: string | null;
      refKey: string | null;
      critical: boolean;
      attempts: number;
    }[]
  >`
    UPDATE "Outbox" SET state = 'sending', "nextAttemptAt" = ${leaseUntil}, attempts = attempts + 1, "lastError" = ${`claimed by ${owner}`}
    WHERE id IN (
      SELECT id FROM "Outbox" WHERE state IN ('pending', 'sending', 'undeliverable') AND "nextAttemptAt" <= ${now}
      ORDER BY seq ASC LIMIT ${limit} FOR UPDATE SKIP LOCKED
    )
    RETURNING id, "visitId", platform, target, message, updates, "refKey", critical, attempts, seq`;
  return rows
    .sort((a, b) => Number((a as { seq?: bigint }).seq ?? 0) - Number((b as { seq?: bigint }).seq ?? 0))
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
    }));
}

const REMOVED = "[removed under the retention policy]";

async function anonymiseExpiredVisits(prisma: PrismaClient, now: Date): Promise<string[]> {
  const expired = await prisma.$queryRaw<{ id: string }[]>`
    SELECT id FROM "Visit"
    WHERE "anonymisedAt" IS NULL
      AND "plannedStart" + make_interval(years => COALESCE(("policySnapshot"->'records'->>'retentionYears')::int, 25)) < ${now}
    ORDER BY "plannedStart" LIMIT 500`;
  for (const { id } of expired) {
    await prisma.$transaction(async (tx) => {
      // The only writer allowed past the append-only triggers, for this transaction only.
      await tx.$executeRaw`SELECT set_config('homevisit.retention', 'on', true)`;
      const row = await tx.visit.findUnique({ where: { id }, select: { request: true } });
      const request = (row?.request ?? {}) as Record<string, unknown>;
      const anonymised = {
        ...request,
        pupil: { name: REMOVED },
        address: REMOVED,
        lead: { ...(request.lead as object), mobile: REMOVED },
        second: request.second ? { ...(request.second as object), mobile: REMOVED } : null,
        vehicle: null,
        risks: { animals: false },
        responsibleContact: null,
      };
      await tx.visit.update({
        where: { id },
        data: { request: json(anonymised), pupilInitials: "", codeWordHash: "", decision: undefined, anonymisedAt: now },
      });
      await tx.visitRecord.deleteMany({ where: { visitId: id } });
      await tx.auditEntry.updateMany({ where: { visitId: id }, data: { detail: {} } });
      await tx.outbox.deleteMany({ where: { visitId: id } });
    }, TX_OPTIONS);
  }
  return expired.map((row) => row.id);
}
