import { addMinutes } from "../clock.js";
import { ok, type Result } from "../domain-error.js";
import { checkInDue } from "../safety/check-in-schedule.js";
import type { SafetyEffect } from "../safety-effects.js";
import { nextStopOf, type StopLog, stopCount } from "../stops.js";
import type { Progress, Visit } from "../visit.js";
import type { VisitEvent } from "../visit-lifecycle.js";
import { move, notNow, withCheckIn } from "./check-in.js";

/**
 * `next`: on from this home to the next one. What happened here is kept for its Home Visit Form;
 * the doorstep wait and the check-ins start again for the next stop, and the ladder (if one ran)
 * stands down, as for any check-in.
 */
export function moveToNextStop(
  visit: Visit,
  staffId: string,
  now: Date,
): Result<{ visit: Visit; effects: SafetyEffect[]; action: string }> {
  const answer = (a: Extract<SafetyEffect, { type: "answer" }>["answer"]): SafetyEffect => ({
    type: "answer",
    answer: a,
    to: staffId,
  });
  const next = nextStopOf(visit);
  if (!next) return ok({ visit, effects: [answer({ kind: "no_next_stop", stops: stopCount(visit) })], action: "no_next_stop" });
  const events: VisitEvent[] = [
    ...(visit.status === "at_address" || visit.status === "in_home" ? (["leave_address"] as const) : []),
    "next_stop",
  ];
  const moved = move(visit, events);
  if (!moved.ok) return notNow(visit, "move on to the next stop");
  const p = visit.progress;
  const onward: Visit = {
    ...moved.value,
    progress: {
      ...p,
      stopLogs: withStopLog(p, { leftAt: p.leftAddressAt ?? now.toISOString() }),
      stop: next.number - 1,
      arrivedAt: undefined,
      enteredAt: undefined,
      leftAddressAt: undefined,
      doorstep: undefined,
      weCalledCard: undefined,
    },
  };
  const updated = withCheckIn(onward, staffId, now, `on the way to stop ${next.number}`);
  const nextDue = (checkInDue(updated.visit) ?? addMinutes(now, visit.policy.checkIns.intervalMinutes)).toISOString();
  return ok({
    visit: updated.visit,
    effects: [
      ...updated.effects,
      answer({ kind: "next_stop", stop: next.number, of: stopCount(visit), time: next.time, nextDue }),
    ],
    action: "next_stop",
  });
}

/** The current stop's log, with what the visit's progress knows of it and `extra` on top. */
export function withStopLog(p: Progress, extra: StopLog): StopLog[] {
  const logs = [...(p.stopLogs ?? [])];
  const index = p.stop ?? 0;
  // A sparse array would be stored as nulls; every earlier stop has its entry.
  for (let i = 0; i < index; i++) logs[i] ??= {};
  logs[index] = {
    ...logs[index],
    ...(p.arrivedAt ? { arrivedAt: p.arrivedAt } : {}),
    ...(p.enteredAt ? { enteredAt: p.enteredAt } : {}),
    ...(p.leftAddressAt ? { leftAt: p.leftAddressAt } : {}),
    ...(p.weCalledCard ? { weCalledCardAt: p.weCalledCard.at } : {}),
    ...extra,
  };
  return logs;
}

/**
 * `back` with homes still to visit: the current stop is logged, and every stop after it is
 * recorded as skipped (the answer says which), so nobody later wonders whether they were seen.
 */
export function closeStops(visit: Visit, now: Date): { progress: Progress; said: { skipped?: number[] } } {
  const p = visit.progress;
  const total = stopCount(visit);
  if (total <= 1) return { progress: p, said: {} };
  const current = p.stop ?? 0;
  const reached = !!p.arrivedAt || !!p.stopLogs?.[current]?.noAnswer;
  const logs = withStopLog(p, reached ? { leftAt: p.leftAddressAt ?? now.toISOString() } : { skipped: true });
  const skipped: number[] = reached ? [] : [current + 1];
  for (let i = current + 1; i < total; i++) {
    logs[i] = { skipped: true };
    skipped.push(i + 1);
  }
  return { progress: { ...p, stopLogs: logs }, said: skipped.length > 0 ? { skipped } : {} };
}

/** The stop numbers that need a Home Visit Form: every stop of the day the pair reached. */
export function stopsToRecord(visit: Visit): number[] {
  const total = stopCount(visit);
  if (total <= 1) return [];
  const logs = visit.progress.stopLogs ?? [];
  const out: number[] = [];
  for (let i = 0; i < total; i++) if (logs[i] && !logs[i]?.skipped) out.push(i + 1);
  return out;
}
