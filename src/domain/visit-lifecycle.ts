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
  /** A day of visits: on from one home to the next. */
  "next_stop",
  "return",
  "cancel",
  "complete_record",
] as const;
export type VisitEvent = (typeof visitEvents)[number];

/**
 * The whole visit lifecycle as data: transitions[from][event] = to. Anything not listed here is
 * refused with `invalid-transition`. An alarm is not a status: it is raised beside whichever status
 * the visit is in (see AlarmState), so the staff's own moves stay what they say.
 */
export const transitions: Readonly<Record<VisitStatus, Partial<Record<VisitEvent, VisitStatus>>>> = {
  requested: { approve: "approved", decline: "declined", request_changes: "changes_requested", cancel: "cancelled" },
  changes_requested: { resubmit: "requested", cancel: "cancelled" },
  approved: { leave_school: "under_way", cancel: "cancelled" },
  declined: {},
  under_way: { arrive: "at_address", leave_address: "left_address", return: "returned", cancel: "cancelled" },
  at_address: { enter_home: "in_home", leave_address: "left_address", cancel: "cancelled" },
  in_home: { leave_address: "left_address", cancel: "cancelled" },
  left_address: { next_stop: "under_way", return: "returned", cancel: "cancelled" },
  returned: { complete_record: "closed" },
  // Staff may still be out when a visit is cancelled: "left" and "back" record where they are.
  cancelled: { leave_address: "cancelled", return: "cancelled", complete_record: "closed" },
  closed: { complete_record: "closed" },
};

/** Statuses in which staff are away from school and the safety timers run. */
export const activeStatuses: readonly VisitStatus[] = ["under_way", "at_address", "in_home", "left_address"];

export function isActive(status: VisitStatus): boolean {
  return activeStatuses.includes(status);
}

/** The statuses the pair may still be out in, so a message from them is about this visit. */
export const openStatuses: readonly VisitStatus[] = ["approved", ...activeStatuses, "cancelled", "returned"];

/**
 * Staff are away from school: the visit is active, or it was cancelled after they set off and
 * they have not said they are back. The safety timers run for as long as this is true.
 */
export function staffAway(visit: { status: VisitStatus; progress: { leftSchoolAt?: string; returnedAt?: string } }): boolean {
  if (isActive(visit.status)) return true;
  return visit.status === "cancelled" && !!visit.progress.leftSchoolAt && !visit.progress.returnedAt;
}

/** Approved, and nobody has said they set off: watched by the start questions and the overdue ladder. */
export function notStarted(visit: { status: VisitStatus; progress: { leftSchoolAt?: string } }): boolean {
  return visit.status === "approved" && !visit.progress.leftSchoolAt;
}

/** Decides the next status, or explains why the move is not allowed. Never throws. */
export function transition(from: VisitStatus, event: VisitEvent): Result<VisitStatus> {
  const to = transitions[from]?.[event];
  if (!to) {
    return fail("invalid-transition", `A visit that is ${describeStatus(from)} cannot ${describeEvent(event)}.`, {
      from,
      event,
    });
  }
  return ok(to);
}

const statusWords: Record<VisitStatus, string> = {
  requested: "waiting for approval",
  changes_requested: "sent back for changes",
  approved: "approved",
  declined: "declined",
  under_way: "under way",
  at_address: "at the address",
  in_home: "inside the home",
  left_address: "on the way back",
  returned: "over (staff back)",
  cancelled: "cancelled",
  closed: "closed (record kept)",
};

const eventWords: Record<VisitEvent, string> = {
  approve: "be approved",
  decline: "be declined",
  request_changes: "be sent back for changes",
  resubmit: "be sent again",
  leave_school: "start",
  arrive: "record an arrival",
  enter_home: "record going in",
  leave_address: "record leaving the address",
  next_stop: "move on to the next stop",
  return: "record a return",
  cancel: "be cancelled",
  complete_record: "take its Home Visit Form",
};

/** A status in words people use ("under way", "waiting for approval"). */
export function describeStatus(status: VisitStatus): string {
  return statusWords[status] ?? status.replace(/_/g, " ");
}

function describeEvent(event: VisitEvent): string {
  return eventWords[event] ?? event.replace(/_/g, " ");
}
