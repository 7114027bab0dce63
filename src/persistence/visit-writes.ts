import type { VisitQuery } from "../app/ports.js";
import type { Visit } from "../domain/visit.js";
import type { Prisma } from "./generated/client.js";
import type { Client } from "./prisma-tx.js";
import { LARGE_COLUMNS, type LargeColumn, largeColumnsText, toVisitColumns } from "./visit-mapper.js";

export function visitQuery(query: VisitQuery): Prisma.VisitFindManyArgs {
  const where: Prisma.VisitWhereInput = { anonymisedAt: null };
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
  const saved = await client.$queryRawUnsafe<{ id: string }[]>(
    `UPDATE "Visit" AS v SET
       status = x.status, version = x."newVersion", platform = x.platform, "requesterId" = x."requesterId",
       "leadStaffId" = x."leadStaffId", "secondStaffId" = x."secondStaffId", "pupilInitials" = x."pupilInitials",
       "plannedStart" = x."plannedStart", "expectedReturn" = x."expectedReturn", request = COALESCE(x.request, v.request),
       "codeWordHash" = x."codeWordHash", warnings = COALESCE(x.warnings, v.warnings), "policyVersion" = x."policyVersion",
       "policySnapshot" = COALESCE(x."policySnapshot", v."policySnapshot"), decision = COALESCE(x.decision, v.decision),
       progress = x.progress, "updatedAt" = x."updatedAt"
     FROM jsonb_to_recordset($1::jsonb) AS x(id text, version int, "newVersion" int, status text, platform text,
       "requesterId" text, "leadStaffId" text, "secondStaffId" text, "pupilInitials" text, "plannedStart" timestamptz,
       "expectedReturn" timestamptz, request jsonb, "codeWordHash" text, warnings jsonb, "policyVersion" text,
       "policySnapshot" jsonb, decision jsonb, progress jsonb, "updatedAt" timestamptz)
     WHERE v.id = x.id AND v.version = x.version
     RETURNING v.id`,
    JSON.stringify(rows),
  );
  return saved.length;
}
