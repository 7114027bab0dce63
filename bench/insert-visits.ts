/**
 * The benchmark's bulk INSERT of visits and their safety timers: a few statements for thousands of
 * rows, far faster than one create per row. Its column list is checked against the Visit table by
 * test/persistence/bulk-columns.test.ts, so a new column cannot be left out unnoticed.
 */
import { nextStep } from "../src/domain/safety/safety-engine.js";
import type { Visit } from "../src/domain/visit.js";
import type { Database } from "../src/persistence/open-database.js";
import { DEFAULT_SCHOOL } from "../src/persistence/prisma-store.js";
import { toVisitData } from "../src/persistence/visit-mapper.js";
import { SAVED_VISIT_COLUMNS, type SavedColumn } from "../src/persistence/visit-writes.js";

/**
 * Every column the INSERT fills: those a save writes, and those set once when a visit is made. The
 * statement is built from this list.
 */
export const INSERTED_VISIT_COLUMNS: readonly { column: string; type: SavedColumn["type"] }[] = [
  { column: "id", type: "text" },
  { column: "schoolId", type: "text" },
  ...SAVED_VISIT_COLUMNS.map(({ column, type }) => ({ column, type })),
  { column: "messageRefs", type: "jsonb" },
  { column: "createdAt", type: "timestamptz" },
];

const names = INSERTED_VISIT_COLUMNS.map(({ column }) => `"${column}"`).join(", ");
const fields = INSERTED_VISIT_COLUMNS.map(({ column, type }) => `"${column}" ${type}`).join(", ");
export const INSERT_VISITS_SQL = `INSERT INTO "Visit" (${names}) SELECT ${names} FROM jsonb_to_recordset($1::jsonb) AS x(${fields})`;

const BATCH = 500;

/** Inserts the visits, under way, with a pending safety timer each at its next step, all `schoolId`'s. */
export async function insertVisits(db: Database, visits: readonly Visit[], schoolId = DEFAULT_SCHOOL): Promise<void> {
  const reach = () => true;
  for (let i = 0; i < visits.length; i += BATCH) {
    const batch = visits.slice(i, i + BATCH);
    const now = new Date().toISOString();
    const rows = batch.map((visit) => ({
      id: visit.id,
      schoolId,
      version: visit.version,
      ...toVisitData(visit),
      messageRefs: visit.messageRefs,
      createdAt: visit.createdAt,
      updatedAt: now,
    }));
    const timers = batch.map((visit) => ({
      id: `${visit.id}:safety`,
      schoolId,
      visitId: visit.id,
      dueAt: nextStep(visit, visit.createdAt, reach).nextAt,
    }));
    await db.prisma.$transaction([
      db.prisma.$executeRawUnsafe(INSERT_VISITS_SQL, JSON.stringify(rows)),
      db.prisma.$executeRawUnsafe(
        `INSERT INTO "Timer" (id, "schoolId", "visitId", kind, "dueAt", state, "createdAt")
         SELECT id, "schoolId", "visitId", 'safety', "dueAt", 'pending', "dueAt"
         FROM jsonb_to_recordset($1::jsonb) AS x(id text, "schoolId" text, "visitId" text, "dueAt" timestamptz)`,
        JSON.stringify(timers),
      ),
    ]);
  }
  await db.prisma.$executeRawUnsafe(`ANALYZE "Visit"; `).catch(() => {});
  await db.prisma.$executeRawUnsafe(`ANALYZE "Timer"`).catch(() => {});
}
