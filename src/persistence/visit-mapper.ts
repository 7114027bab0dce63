import { initialsOf } from "../domain/initials.js";
import { type Policy, withCurrentDefaults } from "../domain/policy.js";
import type { Platform } from "../domain/school-directory.js";
import type { Decision, Progress, Visit } from "../domain/visit.js";
import type { VisitStatus } from "../domain/visit-lifecycle.js";
import type { PolicyWarning, StoredVisitRequest } from "../domain/visit-request.js";
import type { Prisma, Visit as VisitRow } from "./generated/client.js";

const DATES = ["plannedStart", "expectedReturn"] as const;

/** Rows to domain objects and back: the only place that knows how a visit is laid out in tables. */
export function toVisit(row: VisitRow): Visit {
  const request = row.request as unknown as StoredVisitRequest & Record<(typeof DATES)[number], string | Date>;
  for (const key of DATES) request[key] = new Date(request[key]);
  return {
    id: row.id,
    status: row.status as VisitStatus,
    version: row.version,
    platform: row.platform as Platform,
    requesterId: row.requesterId,
    request,
    codeWordHash: row.codeWordHash,
    warnings: row.warnings as unknown as PolicyWarning[],
    // A snapshot taken before a policy key existed gains that key's default, and nothing else.
    policy: withCurrentDefaults(row.policySnapshot as unknown as Policy),
    policyVersion: row.policyVersion,
    decision: (row.decision as unknown as Decision | null) ?? null,
    progress: row.progress as unknown as Progress,
    messageRefs: row.messageRefs as Record<string, unknown>,
    createdAt: row.createdAt,
    hasRecord: row.recordedAt !== null,
  };
}

export function toVisitData(visit: Visit) {
  const columns = toVisitColumns(visit);
  return {
    ...columns,
    request: json(columns.request),
    warnings: json(columns.warnings),
    policySnapshot: json(columns.policySnapshot),
    decision: visit.decision ? json(visit.decision) : undefined,
    progress: json(dropUndefined(visit.progress)),
  };
}

/**
 * A visit's columns as plain JSON-ready values, for raw (bulk) statements. `decision` null means
 * "leave as it is", as in toVisitData.
 */
export function toVisitColumns(visit: Visit) {
  return {
    status: visit.status,
    platform: visit.platform,
    requesterId: visit.requesterId,
    leadStaffId: visit.request.lead.staffId,
    secondStaffId: visit.request.second?.staffId ?? null,
    pupilInitials: initialsOf(visit.request.pupil.name),
    plannedStart: visit.request.plannedStart,
    expectedReturn: new Date(visit.progress.expectedReturn),
    request: visit.request as unknown,
    codeWordHash: visit.codeWordHash,
    warnings: visit.warnings as unknown,
    policyVersion: visit.policyVersion,
    policySnapshot: visit.policy as unknown,
    decision: (visit.decision ?? null) as unknown,
    progress: visit.progress as unknown,
  };
}

/**
 * The large JSON columns (the ~6 KB policy snapshot above all) that hardly ever change once a visit
 * exists: an update leaves out those that are as they were read, rather than rewrite them each time.
 */
export const LARGE_COLUMNS = ["request", "warnings", "policySnapshot"] as const;
export type LargeColumn = (typeof LARGE_COLUMNS)[number];

/** The large columns as text, to tell later whether they changed (in place or replaced). */
export function largeColumnsText(visit: Visit): Record<LargeColumn, string> {
  return {
    request: JSON.stringify(visit.request),
    warnings: JSON.stringify(visit.warnings),
    policySnapshot: JSON.stringify(visit.policy),
  };
}

export function json(value: unknown): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue;
}

function dropUndefined<T extends object>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
