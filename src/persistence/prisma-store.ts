import type { AuditEntry, MessageRef, Store } from "../app/ports.js";
import type { Clock } from "../domain/clock.js";
import type { Platform } from "../domain/school-directory.js";
import { runWithLogContext } from "../observability/log-context.js";
import { createAttendanceStore } from "./attendance-store.js";
import { runDailyJob } from "./daily-jobs.js";
import { processDueTimers } from "./due-timers.js";
import { findThreadVisitId, linkThread, threadOf } from "./message-links.js";
import { claimOnce } from "./once-keys.js";
import type { Database } from "./open-database.js";
import {
  claimOutbox,
  markDelivered,
  markFailed,
  markUndeliverable,
  oldestUndeliveredCritical,
  outboxBacklog,
  pausePlatform,
  platformPauses,
  releaseClaims,
  renewLeases,
} from "./outbox-rows.js";
import { appendAudit } from "./pending-writes.js";
import { TX_OPTIONS } from "./prisma-tx.js";
import { applyRetentionRules } from "./retention.js";
import { createSchoolStore } from "./school-rows.js";
import { createSlackInstallationRows } from "./slack-installation-rows.js";
import { getStaffDetails, saveStaffDetails } from "./staff-details.js";
import { inTx } from "./store-tx.js";
import { json, toVisit } from "./visit-mapper.js";
import { visitQuery } from "./visit-writes.js";

/** The school a store serves when none is named: the one POLICY_FILE and SCHOOL_FILE describe. */
export const DEFAULT_SCHOOL = "default";

/**
 * The repository over Prisma: maps rows to domain objects; nothing else imports the client. Every
 * time it writes comes from `clock` (the app's, which the console can run faster), never the
 * database's. Every row it reads or writes is `school`'s: another school's visit id is not found.
 */
export function createPrismaStore(db: Database, clock: Clock, school: string = DEFAULT_SCHOOL): Store {
  const prisma = db.prisma;
  return {
    kind: db.kind,
    school,
    schools: createSchoolStore(db, clock),
    // Another school's view of the same database: closing it leaves the database to its owner.
    forSchool: (id) => ({ ...createPrismaStore(db, clock, id), close: async () => {} }),
    slackInstallations: createSlackInstallationRows(db),
    inTransaction: (work) => prisma.$transaction((tx) => inTx(tx, clock, school, work), TX_OPTIONS),
    getVisit: async (id) => {
      const row = await prisma.visit.findFirst({ where: { id, schoolId: school } });
      return row ? toVisit(row) : null;
    },
    listVisits: async (query) => (await prisma.visit.findMany(visitQuery(school, query))).map(toVisit),
    listAudit: async (visitId) =>
      (await prisma.auditEntry.findMany({ where: { visitId, schoolId: school }, orderBy: { id: "asc" } })).map((row) => ({
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
      (
        await prisma.visitRecord.findMany({ where: { visitId, visit: { schoolId: school } }, orderBy: { submittedAt: "asc" } })
      ).map((row) => ({
        ...row,
        form: row.form as Record<string, unknown>,
      })),
    appendAudit: (entry) => appendAudit(prisma, school, entry),
    // Every log line written while a timer's work runs names its visit.
    processDueTimers: (now, limit, work) =>
      processDueTimers(prisma, clock, school, now, limit, (tx, timer) =>
        runWithLogContext({ visitId: timer.visitId }, () => work(tx, timer)),
      ),
    // The outbox (outbox-rows.ts) and what running in production needs (health, daily jobs).
    claimOutbox: (now, limit, leaseMs, owner, options) => claimOutbox(prisma, school, now, limit, leaseMs, owner, options),
    markDelivered: (id, ref, now) => markDelivered(prisma, id, ref, now),
    markUndeliverable: (id, error, retryAt) => markUndeliverable(prisma, id, error, retryAt),
    markFailed: (id, error, retryAt) => markFailed(prisma, id, error, retryAt),
    renewLeases: (ids, owner, until) => renewLeases(prisma, ids, owner, until),
    releaseClaims: (ids, owner, at) => releaseClaims(prisma, ids, owner, at),
    pausePlatform: (platform, operation, until, reason) => pausePlatform(prisma, platform, operation, until, reason),
    platformPauses: (now) => platformPauses(prisma, now),
    outboxBacklog: () => outboxBacklog(prisma),
    oldestUndeliveredCritical: () => oldestUndeliveredCritical(prisma),
    health: db.health,
    ping: (timeoutMs) => db.ping(timeoutMs),
    runDailyJob: (job, day, instance, at, work) => runDailyJob(db, school, job, day, instance, at, work, () => clock.now()),
    findVisitByThread: async (platform, channel, threadId) => {
      const visitId = await findThreadVisitId(prisma, school, platform, channel, threadId);
      const row = visitId ? await prisma.visit.findFirst({ where: { id: visitId, schoolId: school } }) : null;
      return row ? toVisit(row) : null;
    },
    linkThread: (platform, channel, threadId, visitId) =>
      linkThread(prisma, school, platform, channel, threadId, visitId, clock.now()),
    claimOnce: (key, result = {}) => claimOnce(prisma, key, result, clock.now()),
    getMessageRef: async (visitId, platform, refKey) => {
      if (!visitId) return null;
      const rows = await prisma.$queryRaw<{ ref: MessageRef | null }[]>`
        SELECT "messageRefs"->(${`${platform}:${refKey}`}::text) AS ref FROM "Visit" WHERE id = ${visitId} AND "schoolId" = ${school}`;
      return rows[0]?.ref ?? null;
    },
    saveMessageRef: async (visitId, platform, refKey, ref) => {
      if (!visitId) return;
      const thread = refKey === "thread" ? threadOf(ref) : null;
      // The thread is linked before its ref is saved: a reply may already be on its way.
      if (thread) await linkThread(prisma, school, platform, thread.channel, thread.threadId, visitId, clock.now());
      // jsonb_set keeps concurrent writers of other keys intact, unlike a read-modify-write.
      await prisma.$executeRaw`UPDATE "Visit" SET "messageRefs" = jsonb_set("messageRefs", ARRAY[${`${platform}:${refKey}`}], ${JSON.stringify(ref)}::jsonb, true) WHERE id = ${visitId} AND "schoolId" = ${school}`;
    },
    getChannelBinding: async (platform, role) => {
      const rows = await prisma.$queryRaw<{ ref: MessageRef }[]>`
        SELECT ref FROM "ChannelBinding" WHERE "schoolId" = ${school} AND platform = ${platform} AND role = ${role}`;
      return rows[0]?.ref ?? null;
    },
    saveChannelBinding: async (platform: Platform, role: string, ref: MessageRef) => {
      const updatedAt = clock.now();
      await prisma.channelBinding.upsert({
        where: { schoolId_platform_role: { schoolId: school, platform, role } },
        create: { schoolId: school, platform, role, ref: json(ref), updatedAt },
        update: { ref: json(ref), updatedAt },
      });
    },
    applyRetention: (now) => applyRetentionRules(prisma, school, now),
    getStaffDetails: (staffId) => getStaffDetails(prisma, school, staffId),
    saveStaffDetails: (staffId, details) => saveStaffDetails(prisma, school, staffId, details, clock.now()),
    attendance: createAttendanceStore(prisma, clock, school),
    close: () => db.close(),
  };
}
