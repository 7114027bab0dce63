import type { Policy } from "../policy.js";
import { currentAbsence, fallingAttendance, type RegisterDay } from "./episodes.js";

/** The attendance triggers, each from its policy key. */
export type TriggerKind = "no_contact" | "safe_and_well" | "must_see" | "pnar" | "cme" | "falling_attendance";

export interface DueTrigger {
  kind: TriggerKind;
  /** The episode it belongs to: it fires once per pupil, kind and episode. */
  episode: string;
  /** The dates behind it (absence days, or months with their attendance). */
  days: string[];
  months?: { month: string; rate: number }[];
}

/**
 * Which triggers a pupil's register makes due today, as the policy sets them: each one the policy
 * leaves unset is off. `latest` is the school's latest register day; `thisMonth` today's YYYY-MM.
 */
export function triggersDue(
  attendance: Policy["attendance"],
  days: readonly RegisterDay[],
  latest: string,
  thisMonth: string,
): DueTrigger[] {
  const due: DueTrigger[] = [];
  const now = currentAbsence(days, latest);
  const reached = (run: string[], threshold: number | undefined) => threshold !== undefined && run.length >= threshold;
  if (now.noContactToday && reached(now.unexplained.days, attendance.noContactDay))
    due.push({ kind: "no_contact", episode: now.unexplained.days[0] ?? latest, days: now.unexplained.days });
  if (reached(now.unexplained.days, attendance.safeAndWellVisitByDay))
    due.push({ kind: "safe_and_well", episode: now.unexplained.days[0] ?? latest, days: now.unexplained.days });
  if (reached(now.notSeen.days, attendance.mustSeeByDay))
    due.push({ kind: "must_see", episode: now.notSeen.days[0] ?? latest, days: now.notSeen.days });
  if (reached(now.unauthorised.days, attendance.consecutiveUnauthorisedDaysNotify))
    due.push({ kind: "pnar", episode: now.unauthorised.days[0] ?? latest, days: now.unauthorised.days });
  const months = attendance.fallingAttendanceMonthsNotify;
  if (months !== undefined) {
    const falling = fallingAttendance(days, thisMonth);
    if (falling && falling.months.length - 1 >= months)
      due.push({ kind: "falling_attendance", episode: falling.from, days: [], months: falling.months });
  }
  return due;
}

/** A must-see trigger stays in force while the child is still not seen in the same episode. */
export function stillNotSeen(days: readonly RegisterDay[], latest: string, episode: string): boolean {
  return currentAbsence(days, latest).notSeen.days[0] === episode;
}
