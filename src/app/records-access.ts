import { type Directory, findStaff, hasAnyRole } from "../domain/school-directory.js";
import { isOnVisit, type Visit } from "../domain/visit.js";

/** Roles that may read any visit's record: safeguarding leads and the headteacher (need to know). */
export const RECORD_READER_ROLES = ["dsl", "deputy_dsl", "headteacher"] as const;
/** Roles that may export records for a safeguarding system. */
export const EXPORT_ROLES = ["dsl", "headteacher"] as const;

/** The pair, the visit's approvers and the safeguarding leads may read a record; nobody else. */
export function mayReadRecord(directory: Directory, visit: Visit, staffId: string): boolean {
  if (isOnVisit(visit, staffId)) return true;
  const person = findStaff(directory, staffId);
  if (hasAnyRole(person, RECORD_READER_ROLES)) return true;
  return visit.decision?.by.staffId === staffId || (hasAnyRole(person, visit.policy.approval.approverRoles) && !!visit.decision);
}

export function mayExport(directory: Directory, staffId: string): boolean {
  return hasAnyRole(findStaff(directory, staffId), EXPORT_ROLES);
}
