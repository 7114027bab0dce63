import { addMinutes } from "../clock.js";
import { fail, ok, type Result } from "../domain-error.js";
import { standDownLadder } from "../safety/ladder.js";
import type { SafetyEffect } from "../safety-effects.js";
import type { Visit } from "../visit.js";
import { describeStatus, transition, type VisitEvent } from "../visit-lifecycle.js";

/** Records a check-in; if the ladder was running it stops, and everyone it reached is told. */
export function withCheckIn(
  visit: Visit,
  staffId: string,
  now: Date,
  place: string,
  options: { standDown?: boolean } = {},
): { visit: Visit; effects: SafetyEffect[] } {
  const stood = options.standDown === false ? { visit, effects: [] } : standDownLadder(visit, staffId, now);
  return {
    visit: {
      ...stood.visit,
      progress: {
        ...stood.visit.progress,
        lastCheckIn: { at: now.toISOString(), by: staffId, place },
        nextCheckInDue: undefined,
        promptedFor: undefined,
      },
    },
    effects: stood.effects,
  };
}

/** The end of the doorstep wait: 20 minutes, or longer when parents said they were late. */
export function doorstepEnd(visit: Visit, now: Date): Date {
  const doorstep = visit.progress.doorstep;
  const policy = visit.policy.doorstep;
  const wait =
    doorstep?.parentsLate && policy.parentsLateWaitMinutes !== null ? policy.parentsLateWaitMinutes : policy.waitMinutes;
  return addMinutes(new Date(doorstep?.startedAt ?? now), wait);
}

/** Where a check-in was made, in words for the emergency pack. */
export function describePlace(visit: Visit): string {
  return (
    (
      {
        approved: "setting off",
        under_way: "travelling",
        at_address: "at the address",
        in_home: "inside the home",
        left_address: "travelling back",
        cancelled: "on the way back (visit cancelled)",
      } as Record<string, string>
    )[visit.status] ?? describeStatus(visit.status)
  );
}

/** Moves the visit through several lifecycle events at once ("in" from under way = arrive, go in). */
export function move(visit: Visit, events: readonly VisitEvent[]): Result<Visit> {
  let status = visit.status;
  for (const event of events) {
    const next = transition(status, event);
    if (!next.ok) return next;
    status = next.value;
  }
  return ok({ ...visit, status });
}

export function notNow<T>(visit: Visit, what: string): Result<T> {
  return fail("invalid-transition", `You can't ${what} now: this visit is ${describeStatus(visit.status)}.`, {
    status: visit.status,
  });
}

/** Set off: the visit is under way from now, with the first check-in one interval later. */
export function setOff(visit: Visit, staffId: string, now: Date): Visit {
  return {
    ...visit,
    status: visit.status === "approved" ? "under_way" : visit.status,
    progress: {
      ...visit.progress,
      leftSchoolAt: visit.progress.leftSchoolAt ?? now.toISOString(),
      lastCheckIn: { at: now.toISOString(), by: staffId, place: "leaving school" },
      nextCheckInDue: undefined,
      promptedFor: undefined,
    },
  };
}
