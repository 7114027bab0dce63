import { fail, ok, type Result } from "./domain-error.js";

export const visitStatuses = [
  "requested",
  "changes_requested",
  "approved",
  "declined",
  "under_way",
  "at_address",
  "in_home",
  "left_address",
  "returned",
  "cancelled",
  "emergency",
  "closed",
] as const;
export type VisitStatus = (typeof visitStatuses)[number];

export const visitEvents = [
  "approve",
  "decline",
  "request_changes",
  "resubmit",
  "leave_school",
  "arrive",
  "enter_home",
  "leave_address",
  "return",
  "cancel",
  "raise_emergency",
  "stand_down",
  "complete_record",
] as const;
export type VisitEvent = (typeof visitEvents)[number];

/**
 * The whole visit lifecycle as data: transitions[from][event] = to.
 * Anything not listed here is refused with `invalid-transition`.
 */
export const transitions: Readonly<Record<VisitStatus, Partial<Record<VisitEvent, VisitStatus>>>> = {
  requested: { approve: "approved", decline: "declined", request_changes: "changes_requested", cancel: "cancelled" },
  changes_requested: { resubmit: "requested", cancel: "cancelled" },
  approved: { leave_school: "under_way", cancel: "cancelled" },
  declined: {},
  under_way: {
    arrive: "at_address",
    leave_address: "left_address",
    return: "returned",
    cancel: "cancelled",
    raise_emergency: "emergency",
  },
  at_address: {
    enter_home: "in_home",
    leave_address: "left_address",
    cancel: "cancelled",
    raise_emergency: "emergency",
  },
  in_home: { leave_address: "left_address", raise_emergency: "emergency" },
  left_address: { return: "returned", raise_emergency: "emergency" },
  returned: { complete_record: "closed" },
  // Staff may still be out when a visit is cancelled at the door: "back" records their return.
  cancelled: { leave_address: "cancelled", return: "cancelled", complete_record: "closed" },
  emergency: { stand_down: "returned" },
  closed: { complete_record: "closed" },
};

/** Statuses in which staff are away from school and the safety timers run. */
export const activeStatuses: readonly VisitStatus[] = ["under_way", "at_address", "in_home", "left_address"];

export function isActive(status: VisitStatus): boolean {
  return activeStatuses.includes(status);
}

/**
 * Staff are away from school: the visit is active, or it was cancelled after they set off and
 * they have not said they are back. The safety timers run for as long as this is true.
 */
export function staffAway(visit: { status: VisitStatus; progress: { leftSchoolAt?: string; returnedAt?: string } }): boolean {
  if (isActive(visit.status)) return true;
  return visit.status === "cancelled" && !!visit.progress.leftSchoolAt && !visit.progress.returnedAt;
}

/** Decides the next status, or explains why the move is not allowed. Never throws. */
export function transition(from: VisitStatus, event: VisitEvent): Result<VisitStatus> {
  const to = transitions[from]?.[event];
  if (!to) {
    return fail("invalid-transition", `A visit that is ${from.replace(/_/g, " ")} cannot ${event.replace(/_/g, " ")}.`, {
      from,
      event,
    });
  }
  return ok(to);
}
