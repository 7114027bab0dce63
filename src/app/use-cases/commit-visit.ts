import { DomainError } from "../../domain/domain-error.js";
import { nextStep } from "../../domain/safety/safety-engine.js";
import type { SafetyEffect } from "../../domain/safety-effects.js";
import type { Actor, Visit } from "../../domain/visit.js";
import { effectsToMessages } from "../outbox/effects-to-messages.js";
import type { AppContext, OutgoingMessage, StoreTx, Target } from "../ports.js";
import type { ReachOn } from "../reach.js";
import { watchDelivery } from "./delivery-watch.js";

export interface VisitChange {
  visit: Visit;
  effects: readonly SafetyEffect[];
  actor: Actor | "system";
  action: string;
  detail?: Record<string, unknown>;
  /** Messages that are not safety effects (e.g. the approval card update). */
  extra?: readonly OutgoingMessage[];
  /** Where answers to the pair go: the visit's thread unless they wrote in a direct message. */
  answerTo?: Target;
}

/** Effects whose messages update the alert cards already sent. */
const ANSWERS_TO_CARDS = new Set<SafetyEffect["type"]>(["ladder_stood_down", "alert_taken", "alarm_stood_down"]);

/**
 * The last steps of every use case: let the safety engine act on anything now due, save with a
 * version check, write the audit entries, set the timer, and queue the messages, all in one
 * transaction so none of it happens without the rest.
 */
export async function commitVisit(ctx: AppContext, tx: StoreTx, reach: ReachOn, change: VisitChange): Promise<Visit> {
  const now = ctx.clock.now();
  const step = nextStep(change.visit, now, reach(change.visit.platform));
  const saved = await tx.updateVisit(step.visit);
  if (!saved) throw new DomainError("stale-visit", "Someone else changed this visit at the same moment; try again.");
  const actor = change.actor === "system" ? systemActor : change.actor;
  await tx.appendAudit({
    visitId: saved.id,
    at: now,
    actorId: actor.staffId,
    actor: actor.name,
    platform: actor.platform,
    action: change.action,
    detail: { status: saved.status, ...change.detail },
  });
  for (const effect of [...change.effects, ...step.effects]) await auditEffect(tx, saved, effect, now);
  const effects = [...change.effects, ...step.effects];
  const cards = effects.some((effect) => ANSWERS_TO_CARDS.has(effect.type)) ? await tx.listCardKeys(saved.id) : [];
  const context = { directory: ctx.directory, answerTo: change.answerTo, cards };
  const messages = [
    ...(change.extra ?? []),
    ...effectsToMessages(change.visit, change.effects, context),
    ...effectsToMessages(step.visit, step.effects, context),
  ];
  await tx.setSafetyTimer(saved.id, watchDelivery(step.visit, step.nextAt, now, messages));
  await tx.enqueue(messages, now);
  return saved;
}

export const systemActor = { staffId: "homevisit", name: "homevisit", platform: "system" as const };

/** What is worth a line of its own in the audit trail; answers and notices are in their action's. */
const UNAUDITED = new Set<SafetyEffect["type"]>(["answer", "delay_notice", "request_record", "unread_message"]);

/** Safety decisions the engine took by itself are audited too, so the history shows every step. */
export async function auditEffect(tx: StoreTx, visit: Visit, effect: SafetyEffect, now: Date): Promise<void> {
  if (UNAUDITED.has(effect.type)) return;
  const detail: Record<string, unknown> = { status: visit.status };
  if (effect.type === "escalation_step")
    Object.assign(detail, { step: effect.step.id, targets: effect.targets, reason: effect.reason });
  else if (effect.type === "alarm_alert")
    Object.assign(detail, { kind: effect.kind, repeat: effect.repeat, targets: effect.targets });
  else if (effect.type === "alarm_stood_down")
    Object.assign(detail, { how: effect.how, ...(effect.note ? { note: effect.note } : {}) });
  else if (effect.type === "prompt_check_in") detail.due = effect.due;
  else if (effect.type === "doorstep_timeout") detail.reason = effect.reason;
  else if (effect.type === "visit_cancelled") detail.reason = effect.reason;
  else if (effect.type === "not_started") detail.to = effect.to;
  await tx.appendAudit({
    visitId: visit.id,
    at: now,
    actorId: systemActor.staffId,
    actor: systemActor.name,
    platform: "system",
    action: effect.type,
    detail,
  });
}
