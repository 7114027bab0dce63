import type { Policy } from "./policy.js";
import type { Platform } from "./school-directory.js";
import type { VisitStatus } from "./visit-lifecycle.js";
import type { PolicyWarning, StoredVisitRequest } from "./visit-request.js";

export interface Actor {
  staffId: string;
  name: string;
  platform: Platform;
}

export interface Conditions {
  requirePair?: boolean;
  policeAccompaniment?: boolean;
  note?: string;
}

export interface Decision {
  outcome: "approved" | "declined" | "changes_requested";
  by: { staffId: string; name: string };
  at: string;
  reason?: string;
  conditions?: Conditions;
}

/** Why the escalation ladder is running. */
export type LadderReason = "missed_check_in" | "overdue_return";

export interface LadderState {
  reason: LadderReason;
  startedAt: string;
  /** Index of the last step carried out; -1 before the first. */
  stepIndex: number;
  lastStepAt: string | null;
  /** Everyone the ladder has told so far, so a stand-down reaches the same places. */
  reached: string[];
  acknowledged: { by: string; at: string; until: string; note?: string } | null;
}

export interface Progress {
  leftSchoolAt?: string;
  arrivedAt?: string;
  enteredAt?: string;
  leftAddressAt?: string;
  returnedAt?: string;
  notReturning?: boolean;
  /** When staff are expected back; `delay` moves it. */
  expectedReturn: string;
  lastCheckIn?: { at: string; by: string; place: string };
  /** Set by `delay <minutes>`: the next check-in is due then instead of one interval after the last. */
  nextCheckInDue?: string;
  /** The check-in due time the pair was last prompted for, so a prompt is sent once. */
  promptedFor?: string;
  doorstep?: { startedAt: string; parentsLate: boolean };
  cancelReason?: string;
  emergency?: { raisedAt: string; kind: "code_word" };
  ladder?: LadderState | null;
  /** When the approvers were reminded that the request is still waiting. */
  approvalRemindedAt?: string;
  /** When the visit's thread was opened in the visits channel (on the day). */
  threadOpenedAt?: string;
  /** Reminders already sent for a missing Home Visit Form. */
  recordReminders?: { lead?: string; dsl?: string };
}

export interface Visit {
  id: string;
  status: VisitStatus;
  /** Bumped on every save; a save with a stale version is refused (two approvers at once). */
  version: number;
  platform: Platform;
  requesterId: string;
  request: StoredVisitRequest;
  codeWordHash: string;
  warnings: PolicyWarning[];
  policy: Policy;
  policyVersion: string;
  decision: Decision | null;
  progress: Progress;
  messageRefs: Record<string, unknown>;
  createdAt: Date;
  hasRecord: boolean;
}

/** The staff ids of the visiting pair (one id for a lone visit). */
export function visitingStaff(visit: Visit): string[] {
  return [visit.request.lead.staffId, ...(visit.request.second ? [visit.request.second.staffId] : [])];
}

export function isOnVisit(visit: Visit, staffId: string): boolean {
  return visitingStaff(visit).includes(staffId);
}

/** Where the pair were last known to be, in words for an emergency pack. */
export function lastKnownPlace(visit: Visit): string {
  switch (visit.status) {
    case "under_way":
      return "travelling to the address";
    case "at_address":
      return `at the door of ${visit.request.address}`;
    case "in_home":
      return `inside ${visit.request.address}`;
    case "left_address":
      return "travelling back from the address";
    default:
      return visit.request.address;
  }
}
