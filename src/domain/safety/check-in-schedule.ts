import { addMinutes } from "../clock.js";
import type { Visit } from "../visit.js";
import { staffAway } from "../visit-lifecycle.js";

/**
 * Cancelled after the staff set off, and they have not said they are back: their check-ins stop
 * (the visit is over), but the overdue watch stays until they say back.
 */
export function cancelledWhileAway(visit: Visit): boolean {
  return visit.status === "cancelled" && staffAway(visit);
}

/** When the pair must next check in; null when no check-in is expected. */
export function checkInDue(visit: Visit): Date | null {
  const p = visit.progress;
  if (!staffAway(visit) || cancelledWhileAway(visit)) return null;
  if (p.nextCheckInDue) return new Date(p.nextCheckInDue);
  const from = p.lastCheckIn?.at ?? p.leftSchoolAt;
  return from ? addMinutes(new Date(from), visit.policy.checkIns.intervalMinutes) : null;
}

/** When the pair are expected back at school (delays included). */
export function expectedBack(visit: Visit): Date {
  return new Date(visit.progress.expectedReturn);
}

/** When an approved visit is expected to set off: the planned start, or later after "delay 15". */
export function expectedStart(visit: Visit): Date {
  return new Date(visit.progress.startBy ?? visit.request.plannedStart);
}
