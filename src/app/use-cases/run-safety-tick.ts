import { nextStep } from "../../domain/safety-engine.js";
import { observeTimerLateness } from "../../observability/metrics.js";
import type { AppContext } from "../app-context.js";
import { effectsToMessages } from "../effects-to-messages.js";
import { reachIn } from "../reach.js";
import { auditEffect } from "./commit-visit.js";

/** While a critical message is undelivered the ladder waits, and looks again this soon. */
const UNDELIVERED_RETRY_MS = 5_000;

/**
 * What the cron tick does: find the safety timers that are due, and for each let the domain decide
 * (`nextStep`), then save, audit, queue messages and set the next due time in the same transaction.
 */
export async function runSafetyTick(ctx: AppContext, limit = 1000): Promise<number> {
  const now = ctx.clock.now();
  const reach = reachIn(ctx.directory);
  const processed = await ctx.store.processDueTimers(now, limit, async (tx, timer) => {
    observeTimerLateness(now, timer.dueAt);
    const visit = await tx.getVisitForUpdate(timer.visitId);
    if (!visit) return tx.setSafetyTimer(timer.visitId, null);
    if (visit.progress.ladder && (await tx.countUndeliveredCritical(visit.id)) > 0) {
      // The last step has not reached anyone yet: do not move on as if it had.
      return tx.setSafetyTimer(visit.id, new Date(now.getTime() + UNDELIVERED_RETRY_MS));
    }
    const step = nextStep(visit, now, reach);
    const saved = step.effects.length > 0 || step.visit !== visit ? await tx.updateVisit(step.visit) : visit;
    if (!saved) return;
    for (const effect of step.effects) await auditEffect(tx, saved, effect, now);
    await tx.setSafetyTimer(visit.id, step.nextAt);
    await tx.enqueue(effectsToMessages(step.visit, step.effects, ctx.directory), now);
  });
  if (processed > 0) ctx.kick();
  return processed;
}
