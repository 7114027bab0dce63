import { fail, ok, type Result } from "../domain-error.js";
import { move } from "../replies/check-in.js";
import type { Reach, SafeHow, SafetyEffect } from "../safety-effects.js";
import { isOnVisit, type Visit } from "../visit.js";
import { notStarted, staffAway, type VisitEvent } from "../visit-lifecycle.js";
import { acknowledgeAlarm, alarmTargets } from "./alarm.js";
import type { Change } from "./ladder.js";

export interface Responder {
  staffId: string;
  name: string;
}

export const SAFE_HOW: Record<SafeHow, string> = {
  phone: "spoke to them on the phone",
  in_person: "saw them in person",
  back_at_school: "they are back at school",
  other: "other",
};

/** The pair cannot take or end their own alert: under duress, a press of a button proves nothing. */
function refuseThePair(visit: Visit, by: Responder): Result<never> | null {
  if (!isOnVisit(visit, by.staffId)) return null;
  return fail("not-allowed", "You are on this visit, so someone back at school must take this alert. To check in, reply ok.");
}

function refuseNothingRunning(visit: Visit): Result<never> | null {
  if (visit.progress.ladder || visit.progress.alarm) return null;
  return fail("invalid-transition", "There is no alert running for this visit: it has already been stood down.");
}

/** The episodes (ladder run, alarm) whose cards an answer changes. */
function episodesOf(visit: Visit): string[] {
  return [visit.progress.ladder?.startedAt, visit.progress.alarm?.raisedAt].filter((e): e is string => !!e);
}

/**
 * "I'm calling them": the alarm and the ladder pause for the policy's time and then go on unless
 * the staff are confirmed safe. An acknowledgement never ends an alert.
 */
export function takeAlert(visit: Visit, by: Responder, now: Date, note?: string): Result<Change> {
  const refused = refuseThePair(visit, by) ?? refuseNothingRunning(visit);
  if (refused) return refused;
  const taken = acknowledgeAlarm(visit, by, now, note);
  const until = taken.progress.alarm?.acknowledged?.until ?? taken.progress.ladder?.acknowledged?.until ?? now.toISOString();
  const reached = [...new Set([...(visit.progress.ladder?.reached ?? []), ...(visit.progress.alarm ? ["alerts"] : [])])];
  const effect: SafetyEffect = {
    type: "alert_taken",
    by: by.name,
    at: now.toISOString(),
    until,
    ...(note ? { note } : {}),
    reached,
    episodes: episodesOf(visit),
  };
  return ok({ visit: taken, effects: [effect] });
}

/**
 * Someone who is not on the visit confirms the staff are safe, and says how they know. The alert
 * ends everywhere it reached; the visit goes on from a fresh check-in, or ends if they are back.
 */
export function standDownAlert(
  visit: Visit,
  by: Responder,
  how: SafeHow,
  now: Date,
  reach: Reach,
  note?: string,
): Result<Change> {
  const refused = refuseThePair(visit, by) ?? refuseNothingRunning(visit);
  if (refused) return refused;
  if (how === "other" && !note?.trim()) return fail("invalid-request", "Say how you know the staff are safe.", { field: "note" });
  const reached = [
    ...new Set([...(visit.progress.ladder?.reached ?? []), ...(visit.progress.alarm ? alarmTargets(visit, now, reach) : [])]),
  ];
  const at = now.toISOString();
  const place = `confirmed safe by ${by.name} (${how === "other" ? (note ?? "") : SAFE_HOW[how]})`;
  let next: Visit = {
    ...visit,
    progress: {
      ...visit.progress,
      ladder: null,
      alarm: null,
      lastCheckIn: { at, by: by.staffId, place },
      nextCheckInDue: undefined,
      promptedFor: undefined,
    },
  };
  const effects: SafetyEffect[] = [
    { type: "alarm_stood_down", by: by.name, how, ...(note ? { note } : {}), reached, episodes: episodesOf(visit) },
  ];
  if (how === "back_at_school" && (staffAway(visit) || notStarted(visit))) {
    const events: VisitEvent[] = [
      ...(notStarted(visit) ? (["leave_school"] as const) : []),
      ...(visit.status === "at_address" || visit.status === "in_home" ? (["leave_address"] as const) : []),
      "return",
    ];
    const moved = move(next, events);
    if (moved.ok) {
      next = { ...moved.value, progress: { ...moved.value.progress, returnedAt: at, doorstep: undefined } };
      effects.push({ type: "request_record" });
    }
  }
  return ok({ visit: next, effects });
}
