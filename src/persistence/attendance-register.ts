import type { RegisterBatch, StoredPupil } from "../app/attendance/attendance-port.js";
import type { RegisterDay } from "../domain/attendance/episodes.js";
import type { PrismaClient } from "./generated/client.js";
import type { Client } from "./prisma-tx.js";
import { fromMonthRows, type MonthRow, mergeMonth, monthFrom, toMonthRows } from "./register-months.js";

/** Pupil rows per statement, and month rows (about 20 days each) per statement. */
const PUPIL_BATCH = 20_000;
const MONTH_BATCH = 4_000;

/**
 * A whole register in one transaction: pupils, then a row per pupil and month (a school year of
 * 2,000 pupils is 18,000 rows, not 380,000), each batch one statement over parallel text arrays (the
 * same shape on PostgreSQL and PGlite). A day already stored is replaced by the newer export's marks;
 * the month's other days are kept.
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
      await mergeStoredMonths(tx, school, months);
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
        await tx.$executeRawUnsafe(
          `INSERT INTO "AttendanceMonth" ("schoolId", "pupilId", month, marks, "importedAt")
           SELECT $1, x.p, x.m, x.j, $2::timestamptz FROM unnest($3::text[], $4::text[], $5::text[]) AS x(p, m, j)
           ON CONFLICT ("schoolId", "pupilId", month) DO UPDATE SET marks = EXCLUDED.marks, "importedAt" = EXCLUDED."importedAt"`,
          school,
          batch.at.toISOString(),
          rows.map((r) => r.pupilId),
          rows.map((r) => r.month),
          rows.map((r) => r.marks),
        );
        for (const row of rows) written += row.days;
        onProgress?.(written, total);
      }
    },
    // A whole school year is one transaction: give it time (the embedded database is slower).
    { maxWait: 20_000, timeout: 300_000 },
  );
}

/**
 * The months already stored merged under the new rows' days, in place. The school's register is
 * locked for the transaction first: two imports at once must not each merge without the other's days.
 */
async function mergeStoredMonths(tx: Client, school: string, months: MonthRow[]): Promise<void> {
  if (months.length === 0) return;
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`attendance-register:${school}`}))`;
  let first = months[0]?.month ?? "";
  let last = first;
  for (const row of months) {
    if (row.month < first) first = row.month;
    if (row.month > last) last = row.month;
  }
  const stored = await tx.$queryRaw<MonthRow[]>`
    SELECT "pupilId", month, marks FROM "AttendanceMonth"
    WHERE "schoolId" = ${school} AND month >= ${first} AND month <= ${last}`;
  if (stored.length === 0) return;
  const byKey = new Map(stored.map((row) => [`${row.pupilId}\n${row.month}`, row.marks]));
  for (const row of months) {
    const old = byKey.get(`${row.pupilId}\n${row.month}`);
    if (old) row.marks = mergeMonth(old, row.marks);
  }
}

function lineCount(marks: string): number {
  let count = 1;
  for (let at = marks.indexOf("\n"); at >= 0; at = marks.indexOf("\n", at + 1)) count += 1;
  return count;
}

/** The latest register day: the latest day of the latest month any pupil has. */
export async function latestDay(client: Client, school: string): Promise<string | null> {
  const rows = await client.$queryRaw<{ day: string | null }[]>`
    SELECT max(m.month || '-' || left(line, 2)) AS day FROM "AttendanceMonth" m, unnest(string_to_array(m.marks, E'\n')) line
    WHERE m."schoolId" = ${school} AND m.month = (SELECT max(month) FROM "AttendanceMonth" WHERE "schoolId" = ${school})`;
  return rows[0]?.day ?? null;
}

export async function registerSince(client: Client, school: string, since: string): Promise<Map<string, RegisterDay[]>> {
  const rows = await client.$queryRaw<MonthRow[]>`
    SELECT "pupilId", month, marks FROM "AttendanceMonth"
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
    const older = await tx.$queryRaw<{ n: bigint | number | null }[]>`
      SELECT sum(array_length(string_to_array(marks, E'\n'), 1)) AS n FROM "AttendanceMonth"
      WHERE "schoolId" = ${school} AND month < ${month}`;
    await tx.$executeRaw`DELETE FROM "AttendanceMonth" WHERE "schoolId" = ${school} AND month < ${month}`;
    const boundary = await tx.$queryRaw<MonthRow[]>`
      SELECT "pupilId", month, marks FROM "AttendanceMonth" WHERE "schoolId" = ${school} AND month = ${month}`;
    let days = Number(older[0]?.n ?? 0);
    const kept = boundary.map((row) => ({ ...row, marks: monthFrom(row.marks, day.slice(8)) }));
    for (const [i, row] of kept.entries()) days += lineCount(boundary[i]?.marks ?? "") - (row.marks ? lineCount(row.marks) : 0);
    await tx.$executeRawUnsafe(
      `UPDATE "AttendanceMonth" m SET marks = x.j FROM unnest($2::text[], $3::text[]) AS x(p, j)
       WHERE m."schoolId" = $1 AND m.month = $4 AND m."pupilId" = x.p`,
      school,
      kept.map((row) => row.pupilId),
      kept.map((row) => row.marks),
      month,
    );
    await tx.$executeRaw`DELETE FROM "AttendanceMonth" WHERE "schoolId" = ${school} AND marks = ''`;
    const pupils = await tx.$executeRaw`
      DELETE FROM "AttendancePupil" p WHERE p."schoolId" = ${school} AND p."updatedAt" < ${before}
        AND NOT EXISTS (SELECT 1 FROM "AttendanceMonth" d WHERE d."schoolId" = p."schoolId" AND d."pupilId" = p."pupilId")`;
    const triggers = await tx.$executeRaw`DELETE FROM "AttendanceTrigger" WHERE "schoolId" = ${school} AND "firedAt" < ${before}`;
    const followUps = await tx.$executeRaw`DELETE FROM "AgreementFollowUp" WHERE "schoolId" = ${school} AND "dueAt" < ${before}`;
    return { days, pupils, triggers, followUps };
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
