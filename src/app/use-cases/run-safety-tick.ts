import { nextStep } from "../../domain/safety/safety-engine.js";
import type { Visit } from "../../domain/visit.js";
import { observeTimerLateness } from "../../observability/metrics.js";
import { effectsToMessages } from "../outbox/effects-to-messages.js";
import type { AppContext, CriticalBacklog, StoreTx } from "../ports.js";
import { loadReach } from "../reach.js";
import { auditEffect, systemActor } from "./commit-visit.js";
import { deliveryLimitMs, watchDelivery } from "./delivery-watch.js";
import { undeliveredMessages } from "./undelivered-notice.js";

/** While it waits, it looks again this soon (the message may have gone meanwhile). */
const LOOK_AGAIN_MS = 5_000;

/**
 * What the cron tick does: find the safety timers that are due, and for each let the domain decide
 * (`nextStep`), then save, audit, queue messages and set the next due time in the same transaction.
 * Delivery is not its business: it only decides and writes.
 */
export async function runSafetyTick(ctx: AppContext, limit = 1000): Promise<number> {
  const now = ctx.clock.now();
  const reach = await loadReach(ctx);
  const processed = await ctx.store.processDueTimers(now, limit, async (tx, timer) => {
    observeTimerLateness(now, timer.dueAt);
    const visit = await tx.getVisitForUpdate(timer.visitId);
    if (!visit) return tx.setSafetyTimer(timer.visitId, null);
    const backlog = await criticalBacklog(tx, visit, now);
    if (backlog.holdUntil) return tx.setSafetyTimer(visit.id, backlog.holdUntil);
    if (backlog.stuck.length > 0) await reportStuck(ctx, tx, visit, backlog.stuck, now);
    const step = nextStep(visit, now, reach(visit.platform));
    const saved = step.effects.length > 0 || step.visit !== visit ? await tx.updateVisit(step.visit) : visit;
    if (!saved) return;
    for (const effect of step.effects) await auditEffect(tx, saved, effect, now);
    const cards = step.effects.some((e) => e.type === "ladder_stood_down") ? await tx.listCardKeys(visit.id) : [];
    const messages = effectsToMessages(step.visit, step.effects, { directory: ctx.directory, cards });
    await tx.setSafetyTimer(visit.id, watchDelivery(step.visit, step.nextAt, now, messages));
    await tx.enqueue(messages, now);
  });
  if (processed > 0) ctx.kick();
  return processed;
}

/**
 * A step the ladder took has not reached everyone yet. It waits for a critical message no longer
 * than the next step's own wait, and never over two minutes: one person's failing chat must not
 * keep the office and the leaders from being told.
 */
async function criticalBacklog(
  tx: StoreTx,
  visit: Visit,
  now: Date,
): Promise<{ holdUntil: Date | null; stuck: CriticalBacklog[] }> {
  if (!visit.progress.ladder && !visit.progress.alarm) return { holdUntil: null, stuck: [] };
  const waiting = (await tx.undeliveredCritical(visit.id)).filter((message) => !message.reportedAt);
  if (waiting.length === 0) return { holdUntil: null, stuck: [] };
  const limit = deliveryLimitMs(visit);
  const young = waiting.filter((message) => message.queuedAt.getTime() + limit > now.getTime());
  if (young.length > 0) {
    const firstGivenUp = Math.min(...young.map((message) => message.queuedAt.getTime() + limit));
    return { holdUntil: new Date(Math.min(firstGivenUp, now.getTime() + LOOK_AGAIN_MS)), stuck: [] };
  }
  return { holdUntil: null, stuck: waiting.filter((message) => message.id) };
}

/** Who could not be reached is audited, and the office and DSL are told in chat, before the ladder moves on. */
async function reportStuck(ctx: AppContext, tx: StoreTx, visit: Visit, stuck: readonly CriticalBacklog[], now: Date) {
  await tx.appendAudit({
    visitId: visit.id,
    at: now,
    actorId: systemActor.staffId,
    actor: systemActor.name,
    platform: "system",
    action: "step_undelivered",
    detail: { targets: stuck.map((message) => message.target), errors: stuck.map((message) => message.lastError ?? "") },
  });
  await tx.markReported(stuck.map((message) => message.id));
  await tx.enqueue(undeliveredMessages(visit, stuck, ctx.directory), now);
}
