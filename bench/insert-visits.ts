/**
 * The benchmark's bulk INSERT of visits and their safety timers: a few statements for thousands of
 * rows, far faster than one create per row. Its column list is checked against the Visit table by
 * test/persistence/bulk-columns.test.ts, so a new column cannot be left out unnoticed.
 */
import { nextStep } from "../src/domain/safety/safety-engine.js";
import type { Visit } from "../src/domain/visit.js";
import type { Database } from "../src/persistence/open-database.js";
import { toVisitData } from "../src/persistence/visit-mapper.js";

/** Every column the INSERT fills, with its type in the recordset; the statement is built from it. */
export const INSERTED_VISIT_COLUMNS = [
  { column: "id", type: "text" },
  { column: "status", type: "text" },
  { column: "version", type: "int" },
  { column: "platform", type: "text" },
  { column: "requesterId", type: "text" },
  { column: "leadStaffId", type: "text" },
  { column: "secondStaffId", type: "text" },
  { column: "pupilInitials", type: "text" },
  { column: "plannedStart", type: "timestamptz" },
  { column: "expectedReturn", type: "timestamptz" },
  { column: "request", type: "jsonb" },
  { column: "codeWordHash", type: "text" },
  { column: "warnings", type: "jsonb" },
  { column: "policyVersion", type: "text" },
  { column: "policySnapshot", type: "jsonb" },
  { column: "decision", type: "jsonb" },
  { column: "progress", type: "jsonb" },
  { column: "messageRefs", type: "jsonb" },
  { column: "createdAt", type: "timestamptz" },
  { column: "updatedAt", type: "timestamptz" },
] as const;

const names = INSERTED_VISIT_COLUMNS.map(({ column }) => `"${column}"`).join(", ");
const fields = INSERTED_VISIT_COLUMNS.map(({ column, type }) => `"${column}" ${type}`).join(", ");
export const INSERT_VISITS_SQL = `INSERT INTO "Visit" (${names}) SELECT ${names} FROM jsonb_to_recordset($1::jsonb) AS x(${fields})`;

const BATCH = 500;

/** Inserts the visits, under way, with a pending safety timer each at its next step. */
export async function insertVisits(db: Database, visits: readonly Visit[]): Promise<void> {
  const reach = () => true;
  for (let i = 0; i < visits.length; i += BATCH) {
    const batch = visits.slice(i, i + BATCH);
    const now = new Date().toISOString();
    const rows = batch.map((visit) => ({
      id: visit.id,
      version: visit.version,
      ...toVisitData(visit),
      messageRefs: visit.messageRefs,
      createdAt: visit.createdAt,
      updatedAt: now,
    }));
    const timers = batch.map((visit) => ({
      id: `${visit.id}:safety`,
      visitId: visit.id,
      dueAt: nextStep(visit, visit.createdAt, reach).nextAt,
    }));
    await db.prisma.$transaction([
      db.prisma.$executeRawUnsafe(INSERT_VISITS_SQL, JSON.stringify(rows)),
      db.prisma.$executeRawUnsafe(
        `INSERT INTO "Timer" (id, "visitId", kind, "dueAt", state, "createdAt")
         SELECT id, "visitId", 'safety', "dueAt", 'pending', "dueAt"
         FROM jsonb_to_recordset($1::jsonb) AS x(id text, "visitId" text, "dueAt" timestamptz)`,
        JSON.stringify(timers),
      ),
    ]);
  }
  await db.prisma.$executeRawUnsafe(`ANALYZE "Visit"; `).catch(() => {});
  await db.prisma.$executeRawUnsafe(`ANALYZE "Timer"`).catch(() => {});
}
