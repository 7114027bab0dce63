import type { Policy } from "./policy.js";
import type { Platform } from "./school-directory.js";
import { currentStop, type StopLog } from "./stops.js";
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
  /** A joint approval: everyone who signed it off, in order (the last is `by`). */
  signedOffBy?: SignOff[];
}

/** One approver's part of a joint approval (the headteacher's, say, before the DSL's). */
export interface SignOff {
  staffId: string;
  name: string;
  at: string;
  /** Which of the purpose's sign-offs it gives (its index in `jointApproval`). */
  part: number;
  conditions?: Conditions;
}

/** The request's story before approval: sent back for changes, resubmitted. */
export interface Review {
  kind: "changes_requested" | "resubmitted";
  by: { staffId: string; name: string };
  at: string;
  note?: string;
}

/** Why the escalation ladder is running. */
export type LadderReason = "missed_check_in" | "overdue_return" | "not_started";

/** What raised an alarm: the silent code word, an open call for help, or a ladder that reached its emergency step. */
export type AlarmKind = "code_word" | "help" | "ladder";

/**
 * An alarm is orthogonal to where the staff are: it repeats every `escalation.repeatMinutes` until
 * someone who is not on the visit takes it, and only such a person can end it ("Staff are safe").
 */
export interface AlarmState {
  kind: AlarmKind;
  raisedAt: string;
  /** The member of the pair who raised it (code word or help). */
  raisedBy?: string;
  /** When it last went out (first sent or repeated). */
  lastAlertAt: string;
  repeats: number;
  /** Who took it and until when; past `until` it re-alerts unless stood down. */
  acknowledged: { by: string; name: string; at: string; until: string; note?: string } | null;
}

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
  /** Waiting at the door: since when, and whether parents said they were late or nobody answered. */
  doorstep?: { startedAt: string; parentsLate: boolean; noAnswer?: boolean };
  cancelReason?: string;
  /** Who cancelled, and why (recorded in the audit trail and the export too). */
  cancelled?: { by: string; name: string; at: string; reason: string };
  alarm?: AlarmState | null;
  ladder?: LadderState | null;
  /** An approved visit nobody has set off on: when the pair, the office and the approver were asked. */
  start?: { askedAt?: string; officeToldAt?: string; approverToldAt?: string };
  /** "delay 15" before setting off: they now expect to leave then. */
  startBy?: string;
  /** A joint approval so far: who has signed it off (cleared when it is sent back for changes). */
  signOffs?: SignOff[];
  /** Changes asked for and resubmissions, for the approval card's history. */
  reviews?: Review[];
  /** When the approvers were reminded that the request is still waiting. */
  approvalRemindedAt?: string;
  /** When the visit's thread was opened in the visits channel (on the day). */
  threadOpenedAt?: string;
  /** When the pair were sent the "We called today" card (nobody answered), for the Home Visit Form. */
  weCalledCard?: { at: string };
  /** Reminders already sent for a missing Home Visit Form. */
  recordReminders?: { lead?: string; dsl?: string };
  /** A day of visits: the index of the stop the pair are on (0, the first, when absent). */
  stop?: number;
  /** A day of visits: what happened at each stop left behind, by index. */
  stopLogs?: StopLog[];
  /** A day of visits: the stop numbers whose Home Visit Form is in. */
  recordedStops?: number[];
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
  // A day of visits: where they are is the stop they are on, never the first address.
  const { address } = currentStop(visit);
  switch (visit.status) {
    case "under_way":
      return `travelling to ${address}`;
    case "at_address":
      return `at the door of ${address}`;
    case "in_home":
      return `inside ${address}`;
    case "left_address":
      return `travelling on from ${address}`;
    default:
      return address;
  }
}
