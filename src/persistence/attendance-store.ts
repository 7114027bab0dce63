import type { AttendanceStore, FollowUpRow } from "../app/attendance/attendance-port.js";
import type { TriggerKind } from "../domain/attendance/triggers-due.js";
import type { Clock } from "../domain/clock.js";
import { getPupil, latestDay, listPupils, registerSince, removeExpiredAttendance, saveRegister } from "./attendance-register.js";
import { findFollowUps, findTriggers, inAttendanceTx } from "./attendance-rows.js";
import type { PrismaClient } from "./generated/client.js";
import { TX_OPTIONS } from "./prisma-tx.js";

/** The attendance tables behind the AttendanceStore port: the only code that sees them. */
export function createAttendanceStore(prisma: PrismaClient, clock: Clock, school: string): AttendanceStore {
  return {
    saveRegister: (batch, onProgress) => saveRegister(prisma, school, batch, onProgress),
    latestDay: () => latestDay(prisma, school),
    registerSince: (since) => registerSince(prisma, school, since),
    getPupil: (pupilId) => getPupil(prisma, school, pupilId),
    listPupils: (pupilIds) => listPupils(prisma, school, pupilIds),
    getTrigger: async (id) => (await findTriggers(prisma, school, { id }))[0] ?? null,
    listTriggers: (query) => findTriggers(prisma, school, query as { state?: string; kind?: TriggerKind; pupilId?: string }),
    getFollowUp: async (id) => (await findFollowUps(prisma, school, { id }))[0] ?? null,
    listFollowUps: (visitId) => findFollowUps(prisma, school, visitId ? { visitId } : {}),
    recordsWithoutFollowUps: async (before) =>
      prisma.$queryRaw<{ visitId: string; form: Record<string, unknown>; submittedAt: Date }[]>`
        SELECT DISTINCT ON (r."visitId") r."visitId", r.form, r."submittedAt" FROM "VisitRecord" r
        JOIN "Visit" v ON v.id = r."visitId" AND v."anonymisedAt" IS NULL AND v."schoolId" = ${school}
        WHERE NOT EXISTS (SELECT 1 FROM "AgreementFollowUp" f WHERE f."visitId" = r."visitId")
          AND r."visitId" IN (SELECT "visitId" FROM "VisitRecord" GROUP BY "visitId" HAVING min("submittedAt") < ${before})
        ORDER BY r."visitId", r."submittedAt" DESC`,
    dueFollowUps: async (now) =>
      prisma.$queryRaw<FollowUpRow[]>`
        SELECT id, "visitId", position, agreement, "dueAt", state, "askedAt", "answeredAt", "answeredBy"
        FROM "AgreementFollowUp" WHERE "schoolId" = ${school} AND state = 'pending' AND "dueAt" <= ${now} ORDER BY "dueAt", "visitId", position`,
    lastSync: async (source) =>
      (
        await prisma.$queryRaw<{ at: Date }[]>`
          SELECT "lastSyncedAt" AS at FROM "AttendanceSync" WHERE "schoolId" = ${school} AND source = ${source}`
      )[0]?.at ?? null,
    saveSync: async (source, at) => {
      await prisma.$executeRaw`
        INSERT INTO "AttendanceSync" ("schoolId", source, "lastSyncedAt") VALUES (${school}, ${source}, ${at})
        ON CONFLICT ("schoolId", source) DO UPDATE SET "lastSyncedAt" = EXCLUDED."lastSyncedAt"`;
    },
    inTransaction: (work) => prisma.$transaction((tx) => inAttendanceTx(tx, school, clock, work), TX_OPTIONS),
    removeExpired: (before) => removeExpiredAttendance(prisma, school, before),
  };
}
