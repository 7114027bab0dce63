import type { RegisterBatch, StoredPupil } from "../app/attendance/attendance-port.js";
import type { RegisterDay } from "../domain/attendance/episodes.js";
import type { MarkKind } from "../domain/attendance/mark-codes.js";
import type { PrismaClient } from "./generated/client.js";
import type { Client } from "./prisma-tx.js";

/** Rows per statement: big enough that 400,000 days are a few dozen round trips, small enough for PGlite. */
const BATCH = 20_000;

/**
 * A whole register in one transaction: pupils, then days, each batch one statement over a JSON
 * parameter (the same shape on PostgreSQL and PGlite). A day already stored is replaced by the
 * newer export's marks.
 */
export async function saveRegister(
  prisma: PrismaClient,
  school: string,
  batch: RegisterBatch,
  onProgress?: (written: number, total: number) => void,
): Promise<void> {
  const total = batch.pupils.length + batch.days.length;
  let written = 0;
  await prisma.$transaction(
    async (tx) => {
      for (let i = 0; i < batch.pupils.length; i += BATCH) {
        const rows = batch.pupils.slice(i, i + BATCH).map((p) => ({ id: p.pupilId, name: p.name, address: p.address ?? null }));
        await tx.$executeRawUnsafe(
          `INSERT INTO "AttendancePupil" ("schoolId", "pupilId", name, address, source, "updatedAt")
           SELECT $1, x.id, x.name, x.address, $2, $3::timestamptz
           FROM jsonb_to_recordset($4::jsonb) AS x(id text, name text, address text)
           ON CONFLICT ("schoolId", "pupilId") DO UPDATE SET name = EXCLUDED.name,
             address = COALESCE(EXCLUDED.address, "AttendancePupil".address), source = EXCLUDED.source,
             "updatedAt" = EXCLUDED."updatedAt"`,
          school,
          batch.source,
          batch.at.toISOString(),
          JSON.stringify(rows),
        );
        written += rows.length;
        onProgress?.(written, total);
      }
      for (let i = 0; i < batch.days.length; i += BATCH) {
        const rows = batch.days.slice(i, i + BATCH);
        // Five parallel text arrays: the cheapest shape for the server to unpack, on both databases.
        await tx.$executeRawUnsafe(
          `INSERT INTO "AttendanceDay" ("schoolId", "pupilId", day, am, pm, kind, "importedAt")
           SELECT $1, x.p, x.d, x.a, x.m, x.k, $2::timestamptz
           FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS x(p, d, a, m, k)
           ON CONFLICT ("schoolId", "pupilId", day) DO UPDATE SET am = EXCLUDED.am, pm = EXCLUDED.pm,
             kind = EXCLUDED.kind, "importedAt" = EXCLUDED."importedAt"`,
          school,
          batch.at.toISOString(),
          rows.map((d) => d.pupilId),
          rows.map((d) => d.day),
          rows.map((d) => d.am),
          rows.map((d) => d.pm),
          rows.map((d) => d.kind),
        );
        written += rows.length;
        onProgress?.(written, total);
      }
    },
    // A whole school year is one transaction: give it time (the embedded database is slower).
    { maxWait: 20_000, timeout: 300_000 },
  );
}

export async function latestDay(client: Client, school: string): Promise<string | null> {
  const rows = await client.$queryRaw<{ day: string | null }[]>`
    SELECT max(day) AS day FROM "AttendanceDay" WHERE "schoolId" = ${school}`;
  return rows[0]?.day ?? null;
}

export async function registerSince(client: Client, school: string, since: string): Promise<Map<string, RegisterDay[]>> {
  const rows = await client.$queryRaw<{ pupilId: string; day: string; kind: string }[]>`
    SELECT "pupilId", day, kind FROM "AttendanceDay" WHERE "schoolId" = ${school} AND day >= ${since}
    ORDER BY "pupilId", day`;
  const out = new Map<string, RegisterDay[]>();
  for (const row of rows) {
    const days = out.get(row.pupilId) ?? [];
    days.push({ day: row.day, kind: row.kind as MarkKind });
    out.set(row.pupilId, days);
  }
  return out;
}

export async function getPupil(client: Client, school: string, pupilId: string): Promise<StoredPupil | null> {
  const rows = await client.$queryRaw<StoredPupil[]>`
    SELECT "pupilId", name, address FROM "AttendancePupil" WHERE "schoolId" = ${school} AND "pupilId" = ${pupilId}`;
  return rows[0] ?? null;
}

/**
 * Need-to-know data past the retention period: register days older than `before`, then pupils with
 * no day left who were not updated since, triggers and follow-ups fired before it.
 */
export async function removeExpiredAttendance(prisma: PrismaClient, school: string, before: Date) {
  const day = before.toISOString().slice(0, 10);
  return prisma.$transaction(async (tx) => {
    const days = await tx.$executeRaw`DELETE FROM "AttendanceDay" WHERE "schoolId" = ${school} AND day < ${day}`;
    const pupils = await tx.$executeRaw`
      DELETE FROM "AttendancePupil" p WHERE p."schoolId" = ${school} AND p."updatedAt" < ${before}
        AND NOT EXISTS (SELECT 1 FROM "AttendanceDay" d WHERE d."schoolId" = p."schoolId" AND d."pupilId" = p."pupilId")`;
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
