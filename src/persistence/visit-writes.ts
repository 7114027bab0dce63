import type { VisitQuery } from "../app/ports.js";
import type { Visit } from "../domain/visit.js";
import type { Prisma } from "./generated/client.js";
import type { Client } from "./prisma-tx.js";
import { LARGE_COLUMNS, type LargeColumn, largeColumnsText, toVisitColumns } from "./visit-mapper.js";

export function visitQuery(school: string, query: VisitQuery): Prisma.VisitFindManyArgs {
  const where: Prisma.VisitWhereInput = { schoolId: school, anonymisedAt: null };
  if (query.staffId)
    where.OR = [{ leadStaffId: query.staffId }, { secondStaffId: query.staffId }, { requesterId: query.staffId }];
  if (query.statuses) where.status = { in: [...query.statuses] };
  if (query.from || query.to) where.plannedStart = { gte: query.from, lt: query.to };
  return { where, orderBy: { plannedStart: "asc" }, take: query.limit ?? 50 };
}

/** A visit as its transaction read it (under its row lock): the version, and the large columns as text. */
export interface Loaded {
  version: number;
  large: Record<LargeColumn, string>;
}

/** One visit to save: compare-and-set on `expectedVersion`, leaving out the large columns in `unchanged`. */
export interface VisitWrite {
  visit: Visit;
  expectedVersion: number;
  newVersion: number;
  unchanged: LargeColumn[];
  large: Record<LargeColumn, string>;
}

/**
 * Saving `visit` over `expectedVersion`; `before` is the large columns as the row has them, when
 * known, so those still the same are left out.
 */
export function visitWrite(visit: Visit, expectedVersion: number, before?: Record<LargeColumn, string>): VisitWrite {
  const large = largeColumnsText(visit);
  const unchanged = before ? LARGE_COLUMNS.filter((column) => before[column] === large[column]) : [];
  return { visit, expectedVersion, newVersion: visit.version + 1, unchanged, large };
}

/** One column a visit save writes, with its type in the statement's recordset. */
export interface SavedColumn {
  column: string;
  type: "text" | "int" | "jsonb" | "timestamptz";
  /** The recordset field it comes from, when not named as the column. */
  from?: string;
  /** A null in the write means "keep what the row has" (large columns left out, `decision` not yet made). */
  keepWhenNull?: boolean;
}

/**
 * Every column a visit save writes, in the order of the UPDATE below; the statement is built from
 * this list, and test/persistence/bulk-columns.test.ts checks it against the Visit table.
 */
export const SAVED_VISIT_COLUMNS: readonly SavedColumn[] = [
  { column: "status", type: "text" },
  { column: "version", type: "int", from: "newVersion" },
  { column: "platform", type: "text" },
  { column: "requesterId", type: "text" },
  { column: "leadStaffId", type: "text" },
  { column: "secondStaffId", type: "text" },
  { column: "pupilInitials", type: "text" },
  { column: "plannedStart", type: "timestamptz" },
  { column: "expectedReturn", type: "timestamptz" },
  { column: "request", type: "jsonb", keepWhenNull: true },
  { column: "codeWordHash", type: "text" },
  { column: "warnings", type: "jsonb", keepWhenNull: true },
  { column: "policyVersion", type: "text" },
  { column: "policySnapshot", type: "jsonb", keepWhenNull: true },
  { column: "decision", type: "jsonb", keepWhenNull: true },
  { column: "progress", type: "jsonb" },
  { column: "updatedAt", type: "timestamptz" },
];

const quoted = (name: string) => `"${name}"`;

/** The compare-and-set UPDATE over a JSON array of rows, built once from SAVED_VISIT_COLUMNS. */
export const UPDATE_VISITS_SQL = (() => {
  const assignments = SAVED_VISIT_COLUMNS.map(({ column, from, keepWhenNull }) => {
    const value = `x.${quoted(from ?? column)}`;
    return `${quoted(column)} = ${keepWhenNull ? `COALESCE(${value}, v.${quoted(column)})` : value}`;
  });
  const fields = [
    "id text",
    "version int",
    ...SAVED_VISIT_COLUMNS.map(({ column, from, type }) => `${quoted(from ?? column)} ${type}`),
  ];
  return `UPDATE "Visit" AS v SET ${assignments.join(", ")}
     FROM jsonb_to_recordset($1::jsonb) AS x(${fields.join(", ")})
     WHERE v.id = x.id AND v.version = x.version
     RETURNING v.id`;
})();

/**
 * Saves visits in one statement, each only if its version is still `expectedVersion`; returns how
 * many were saved. `decision` null and the unchanged large columns keep what the row has.
 */
export async function updateVisits(client: Client, writes: readonly VisitWrite[], updatedAt: Date): Promise<number> {
  if (writes.length === 0) return 0;
  const rows = writes.map((write) => {
    const columns: Record<string, unknown> = toVisitColumns(write.visit);
    for (const column of write.unchanged) columns[column] = null;
    return { ...columns, id: write.visit.id, version: write.expectedVersion, newVersion: write.newVersion, updatedAt };
  });
  const saved = await client.$queryRawUnsafe<{ id: string }[]>(UPDATE_VISITS_SQL, JSON.stringify(rows));
  return saved.length;
}
