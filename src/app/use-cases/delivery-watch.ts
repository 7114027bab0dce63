import type { Visit } from "../../domain/visit.js";
import type { OutgoingMessage } from "../ports.js";

/** A ladder never waits longer than this for one recipient's critical message. */
export const MAX_WAIT_MS = 2 * 60_000;

/** The wait the policy puts before the ladder's next step (or the alarm's next repeat). */
export function nextWaitMs(visit: Visit): number {
  const ladder = visit.progress.ladder;
  const next = ladder ? visit.policy.escalation.steps[ladder.stepIndex + 1] : undefined;
  const minutes = next ? next.afterMinutes : visit.policy.escalation.repeatMinutes;
  return minutes * 60_000;
}

/** How long a critical message may stay undelivered before the office is told who was not reached. */
export function deliveryLimitMs(visit: Visit): number {
  return Math.min(MAX_WAIT_MS, nextWaitMs(visit));
}

/**
 * When the safety timer must next look: at the engine's own next time, or sooner when critical
 * messages were just queued, to see whether they went (and say who was not reached if not).
 */
export function watchDelivery(visit: Visit, nextAt: Date | null, now: Date, queued: readonly OutgoingMessage[]): Date | null {
  if (!queued.some((message) => message.critical) || (!visit.progress.ladder && !visit.progress.alarm)) return nextAt;
  const check = new Date(now.getTime() + deliveryLimitMs(visit));
  return nextAt && nextAt.getTime() <= check.getTime() ? nextAt : check;
}
