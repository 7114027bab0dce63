import { addMinutes } from "../clock.js";
import type { Reach } from "../safety-effects.js";
import type { AlarmKind, AlarmState, Visit } from "../visit.js";
import { type Change, emergencyStepOf } from "./ladder.js";
import { resolveTargets } from "./reach-targets.js";

/** A code word outranks a call for help, which outranks a ladder: the alarm keeps its strongest cause. */
const STRENGTH: Record<AlarmKind, number> = { ladder: 0, help: 1, code_word: 2 };

/**
 * The pair raise an alarm (the code word, or "help me"). It goes at once to the alerts channel
 * and the policy's code-word roles, never to the pair, and a running ladder gives way to it.
 */
export function raiseAlarm(visit: Visit, kind: "code_word" | "help", by: string, now: Date, reach: Reach): Change {
  const current = visit.progress.alarm;
  const at = now.toISOString();
  const alarm: AlarmState =
    current && STRENGTH[current.kind] >= STRENGTH[kind]
      ? { ...current, lastAlertAt: at, repeats: current.repeats + 1, acknowledged: null }
      : { kind, raisedAt: at, raisedBy: by, lastAlertAt: at, repeats: 0, acknowledged: null };
  const raised: Visit = { ...visit, progress: { ...visit.progress, alarm, ladder: null } };
  return {
    visit: raised,
    effects: [
      {
        type: "alarm_alert",
        kind: alarm.kind,
        repeat: alarm.repeats,
        by,
        targets: alarmTargets(raised, now, reach),
        episode: alarm.raisedAt,
      },
    ],
  };
}

/** When the alarm must go out again: a repeat, or the end of an acknowledgement's pause. */
export function alarmDue(visit: Visit): Date | null {
  const alarm = visit.progress.alarm;
  if (!alarm) return null;
  if (alarm.acknowledged) return new Date(alarm.acknowledged.until);
  return addMinutes(new Date(alarm.lastAlertAt), visit.policy.escalation.repeatMinutes);
}

/**
 * The alarm goes out again. After a long outage this is one repeat, not one per missed interval:
 * the people it reaches need the alarm, not a pile of copies.
 */
export function repeatAlarm(visit: Visit, now: Date, reach: Reach): Change {
  const alarm = visit.progress.alarm;
  if (!alarm) return { visit, effects: [] };
  const next: AlarmState = { ...alarm, lastAlertAt: now.toISOString(), repeats: alarm.repeats + 1, acknowledged: null };
  const repeated: Visit = { ...visit, progress: { ...visit.progress, alarm: next } };
  const step = alarm.kind === "ladder" ? emergencyStepOf(visit) : undefined;
  return {
    visit: repeated,
    effects: [
      {
        type: "alarm_alert",
        kind: alarm.kind,
        repeat: next.repeats,
        ...(alarm.raisedBy ? { by: alarm.raisedBy } : {}),
        targets: alarmTargets(repeated, now, reach),
        episode: alarm.raisedAt,
        ...(step ? { step } : {}),
      },
    ],
  };
}

/** Who an alarm reaches: the code-word roles and the alerts channel, or the ladder's emergency step. */
export function alarmTargets(visit: Visit, at: Date, reach: Reach): string[] {
  const alarm = visit.progress.alarm;
  const notify =
    alarm?.kind === "ladder"
      ? (emergencyStepOf(visit)?.notify ?? ["alerts"])
      : ["alerts", ...visit.policy.escalation.codeWordNotify];
  return resolveTargets(visit, notify.includes("pair") ? notify.filter((t) => t !== "pair") : notify, at, reach);
}

/**
 * Someone not on the visit takes the alarm: it pauses for the policy's time, then re-alerts unless
 * it was stood down. A running ladder pauses with it.
 */
export function acknowledgeAlarm(visit: Visit, by: { staffId: string; name: string }, now: Date, note?: string): Visit {
  const until = addMinutes(now, visit.policy.escalation.acknowledgePauseMinutes).toISOString();
  const acknowledged = { by: by.staffId, name: by.name, at: now.toISOString(), until, ...(note ? { note } : {}) };
  const { alarm, ladder } = visit.progress;
  return {
    ...visit,
    progress: {
      ...visit.progress,
      alarm: alarm ? { ...alarm, acknowledged } : alarm,
      ladder: ladder
        ? { ...ladder, acknowledged: { by: by.name, at: acknowledged.at, until, ...(note ? { note } : {}) } }
        : ladder,
    },
  };
}
