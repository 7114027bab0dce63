import type { RegisterBatch, StoredPupil } from "../app/attendance/attendance-port.js";
import type { RegisterDay } from "../domain/attendance/episodes.js";
import type { PrismaClient } from "./generated/client.js";
import type { Client } from "./prisma-tx.js";
import { fromMonthRows, toMonthRows } from "./register-months.js";

/** Pupil rows per statement, and month rows (about 20 days each) per statement. */
const PUPIL_BATCH = 20_000;
const MONTH_BATCH = 4_000;

/**
 * A whole register in one transaction: pupils, then a row per pupil and month (a school year of
 * 2,000 pupils is 18,000 rows, not 380,000), each batch one statement (the same shape on PostgreSQL and
 * PGlite). A day already stored is replaced by the newer export's marks;
 * the month's other days are kept (jsonb `||` merges the two objects, the right one winning).
 */
export async function saveRegister(
  prisma: PrismaClient,
  school: string,
  batch: RegisterBatch,
  onProgress?: (written: number, total: number) => void,
): Promise<void> {
  const total = batch.pupils.length + batch.days.length;
  let written = 0;
  const months = toMonthRows(batch.days);
  await prisma.$transaction(
    async (tx) => {
      for (let i = 0; i < batch.pupils.length; i += PUPIL_BATCH) {
        const rows = batch.pupils.slice(i, i + PUPIL_BATCH);
        await tx.$executeRawUnsafe(
          `INSERT INTO "AttendancePupil" ("schoolId", "pupilId", name, address, source, "updatedAt")
           SELECT $1, x.id, x.name, x.address, $2, $3::timestamptz
           FROM unnest($4::text[], $5::text[], $6::text[]) AS x(id, name, address)
           ON CONFLICT ("schoolId", "pupilId") DO UPDATE SET name = EXCLUDED.name,
             address = COALESCE(EXCLUDED.address, "AttendancePupil".address), source = EXCLUDED.source,
             "updatedAt" = EXCLUDED."updatedAt"`,
          school,
          batch.source,
          batch.at.toISOString(),
          rows.map((p) => p.pupilId),
          rows.map((p) => p.name),
          rows.map((p) => p.address ?? null),
        );
        written += rows.length;
        onProgress?.(written, total);
      }
      for (let i = 0; i < months.length; i += MONTH_BATCH) {
        const rows = months.slice(i, i + MONTH_BATCH);
        // One JSON parameter, not text arrays: PGlite reads an array of JSON texts four times slower.
        await tx.$executeRawUnsafe(
          `INSERT INTO "AttendanceMonth" ("schoolId", "pupilId", month, marks, "importedAt")
           SELECT $1, x.p, x.m, x.j, $2::timestamptz FROM jsonb_to_recordset($3::jsonb) AS x(p text, m text, j jsonb)
           ON CONFLICT ("schoolId", "pupilId", month) DO UPDATE SET
             marks = "AttendanceMonth".marks || EXCLUDED.marks, "importedAt" = EXCLUDED."importedAt"`,
          school,
          batch.at.toISOString(),
          `[${rows.map((r) => `{"p":${JSON.stringify(r.pupilId)},"m":"${r.month}","j":${r.marks}}`).join(",")}]`,
        );
        for (const row of rows) written += row.days;
        onProgress?.(written, total);
      }
    },
    // A whole school year is one transaction: give it time (the embedded database is slower).
    { maxWait: 20_000, timeout: 300_000 },
  );
}

/** The latest register day: the latest day of the latest month any pupil has. */
export async function latestDay(client: Client, school: string): Promise<string | null> {
  const rows = await client.$queryRaw<{ day: string | null }[]>`
    SELECT max(m.month || '-' || k) AS day FROM "AttendanceMonth" m, jsonb_object_keys(m.marks) k
    WHERE m."schoolId" = ${school} AND m.month = (SELECT max(month) FROM "AttendanceMonth" WHERE "schoolId" = ${school})`;
  return rows[0]?.day ?? null;
}

export async function registerSince(client: Client, school: string, since: string): Promise<Map<string, RegisterDay[]>> {
  // The marks as text, parsed here: the same on both drivers, and cheaper than jsonb to objects in SQL.
  const rows = await client.$queryRaw<{ pupilId: string; month: string; marks: string }[]>`
    SELECT "pupilId", month, marks::text AS marks FROM "AttendanceMonth"
    WHERE "schoolId" = ${school} AND month >= ${since.slice(0, 7)} ORDER BY "pupilId", month`;
  return fromMonthRows(rows, since);
}

export async function getPupil(client: Client, school: string, pupilId: string): Promise<StoredPupil | null> {
  const rows = await client.$queryRaw<StoredPupil[]>`
    SELECT "pupilId", name, address FROM "AttendancePupil" WHERE "schoolId" = ${school} AND "pupilId" = ${pupilId}`;
  return rows[0] ?? null;
}

/**
 * Need-to-know data past the retention period: register days older than `before` (whole months,
 * then the older days of the month it falls in), then pupils with no day left who were not updated
 * since, triggers and follow-ups fired before it.
 */
export async function removeExpiredAttendance(prisma: PrismaClient, school: string, before: Date) {
  const day = before.toISOString().slice(0, 10);
  const month = day.slice(0, 7);
  return prisma.$transaction(async (tx) => {
    const counted = await tx.$queryRaw<{ n: bigint | number }[]>`
      SELECT count(*) AS n FROM "AttendanceMonth" m, jsonb_object_keys(m.marks) k
      WHERE m."schoolId" = ${school} AND m.month <= ${month} AND m.month || '-' || k < ${day}`;
    await tx.$executeRaw`
      UPDATE "AttendanceMonth" m SET marks = COALESCE((SELECT jsonb_object_agg(e.key, e.value) FROM jsonb_each(m.marks) e
        WHERE m.month || '-' || e.key >= ${day}), '{}'::jsonb)
      WHERE m."schoolId" = ${school} AND m.month = ${month}`;
    await tx.$executeRaw`
      DELETE FROM "AttendanceMonth" WHERE "schoolId" = ${school} AND (month < ${month} OR marks = '{}'::jsonb)`;
    const pupils = await tx.$executeRaw`
      DELETE FROM "AttendancePupil" p WHERE p."schoolId" = ${school} AND p."updatedAt" < ${before}
        AND NOT EXISTS (SELECT 1 FROM "AttendanceMonth" d WHERE d."schoolId" = p."schoolId" AND d."pupilId" = p."pupilId")`;
    const triggers = await tx.$executeRaw`DELETE FROM "AttendanceTrigger" WHERE "schoolId" = ${school} AND "firedAt" < ${before}`;
    const followUps = await tx.$executeRaw`DELETE FROM "AgreementFollowUp" WHERE "schoolId" = ${school} AND "dueAt" < ${before}`;
    return { days: Number(counted[0]?.n ?? 0), pupils, triggers, followUps };
  });
}

export async function listPupils(client: Client, school: string, pupilIds: readonly string[]): Promise<Map<string, StoredPupil>> {
  const rows = await client.$queryRawUnsafe<StoredPupil[]>(
    `SELECT "pupilId", name, address FROM "AttendancePupil" WHERE "schoolId" = $1 AND "pupilId" = ANY($2::text[])`,
    school,
    [...pupilIds],
  );
  return new Map(rows.map((row) => [row.pupilId, row]));
}
