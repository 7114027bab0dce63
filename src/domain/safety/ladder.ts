import { addMinutes } from "../clock.js";
import type { Reach, SafetyEffect } from "../safety-effects.js";
import type { LadderReason, LadderState, Visit } from "../visit.js";
import { resolveTargets } from "./reach-targets.js";

export interface Change {
  visit: Visit;
  effects: SafetyEffect[];
}

export function startLadder(visit: Visit, reason: LadderReason, at: Date): Visit {
  const ladder: LadderState = {
    reason,
    startedAt: at.toISOString(),
    stepIndex: -1,
    lastStepAt: null,
    reached: [],
    acknowledged: null,
  };
  return { ...visit, progress: { ...visit.progress, ladder } };
}

/** The next step of the ladder that someone can act on; empty steps are skipped, not waited out. */
export function nextLadderStep(visit: Visit, ladder: LadderState, reach: Reach): { at: Date; stepIndex: number } | null {
  const steps = visit.policy.escalation.steps;
  for (let index = ladder.stepIndex + 1; index < steps.length; index++) {
    const step = steps[index];
    if (!step) break;
    let at = addMinutes(new Date(ladder.lastStepAt ?? ladder.startedAt), step.afterMinutes);
    if (ladder.acknowledged) {
      const until = new Date(ladder.acknowledged.until);
      if (until > at) at = until;
    }
    // Who can be reached is decided at the step's own time, as applyLadderStep will decide it.
    if (resolveTargets(visit, step.notify, at, reach).length === 0) continue;
    return { at, stepIndex: index };
  }
  return null;
}

/**
 * Carries out one step. The step that sends the emergency pack also raises the alarm, which then
 * repeats until someone who is not on the visit takes it: a ladder never just stops.
 */
export function applyLadderStep(visit: Visit, stepIndex: number, at: Date, reach: Reach): Change {
  const ladder = visit.progress.ladder;
  const step = visit.policy.escalation.steps[stepIndex];
  if (!ladder || !step) return { visit, effects: [] };
  const targets = resolveTargets(visit, step.notify, at, reach);
  const next: LadderState = {
    ...ladder,
    stepIndex,
    lastStepAt: at.toISOString(),
    reached: [...new Set([...ladder.reached, ...targets])],
    acknowledged: null,
  };
  const alarm =
    step.emergencyPack && !visit.progress.alarm
      ? {
          kind: "ladder" as const,
          raisedAt: at.toISOString(),
          lastAlertAt: at.toISOString(),
          repeats: 0,
          acknowledged: null,
        }
      : visit.progress.alarm;
  return {
    visit: { ...visit, progress: { ...visit.progress, ladder: next, alarm } },
    effects: [{ type: "escalation_step", step, stepIndex, reason: ladder.reason, targets, episode: ladder.startedAt }],
  };
}

/**
 * A check-in from the pair stops a running ladder (and the alarm it raised, which the pair's own
 * check-in answers); everyone it reached is told. A code-word or help alarm is not theirs to end.
 */
export function standDownLadder(visit: Visit, staffId: string, now: Date): Change {
  const ladder = visit.progress.ladder;
  if (!ladder) return { visit, effects: [] };
  const ladderAlarm = visit.progress.alarm?.kind === "ladder" ? visit.progress.alarm : null;
  const alarm = ladderAlarm ? null : visit.progress.alarm;
  const episodes = [ladder.startedAt, ...(ladderAlarm ? [ladderAlarm.raisedAt] : [])];
  return {
    visit: { ...visit, progress: { ...visit.progress, ladder: null, alarm } },
    effects:
      ladder.reached.length > 0
        ? [{ type: "ladder_stood_down", by: staffId, at: now.toISOString(), reached: ladder.reached, episodes }]
        : [],
  };
}

/** The emergency step the ladder last reached, whose targets and ask an alarm repeat uses. */
export function emergencyStepOf(visit: Visit) {
  const steps = visit.policy.escalation.steps;
  const reached = visit.progress.ladder?.stepIndex ?? steps.length - 1;
  for (let i = Math.min(reached, steps.length - 1); i >= 0; i--) if (steps[i]?.emergencyPack) return steps[i];
  return steps.find((step) => step.emergencyPack);
}
