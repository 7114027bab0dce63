import { DomainError } from "../../domain/domain-error.js";
import type { SafetyEffect } from "../../domain/safety-effects.js";
import { nextStep } from "../../domain/safety-engine.js";
import type { Actor, Visit } from "../../domain/visit.js";
import type { AppContext } from "../app-context.js";
import { effectsToMessages } from "../effects-to-messages.js";
import type { OutgoingMessage, StoreTx } from "../ports.js";
import { reachIn } from "../reach.js";

export interface VisitChange {
  visit: Visit;
  effects: readonly SafetyEffect[];
  actor: Actor | "system";
  action: string;
  detail?: Record<string, unknown>;
  /** Messages that are not safety effects (e.g. the approval card update). */
  extra?: readonly OutgoingMessage[];
}

/**
 * The last steps of every use case: let the safety engine act on anything now due, save with a
 * version check, write the audit entry, set the timer, and queue the messages, all in one
 * transaction so none of it happens without the rest.
 */
export async function commitVisit(ctx: AppContext, tx: StoreTx, change: VisitChange): Promise<Visit> {
  const now = ctx.clock.now();
  const reach = reachIn(ctx.directory);
  const step = nextStep(change.visit, now, reach);
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
  for (const effect of step.effects) await auditEffect(tx, saved, effect, now);
  await tx.setSafetyTimer(saved.id, step.nextAt);
  await tx.enqueue(
    [
      ...(change.extra ?? []),
      ...effectsToMessages(change.visit, change.effects, ctx.directory),
      ...effectsToMessages(step.visit, step.effects, ctx.directory),
    ],
    now,
  );
  return saved;
}

const systemActor = { staffId: "homevisit", name: "homevisit", platform: "system" as const };

/** Safety decisions the engine took by itself are audited too, so the history shows every step. */
export async function auditEffect(tx: StoreTx, visit: Visit, effect: SafetyEffect, now: Date): Promise<void> {
  const detail: Record<string, unknown> = { status: visit.status };
  if (effect.type === "escalation_step")
    Object.assign(detail, { step: effect.step.id, targets: effect.targets, reason: effect.reason });
  else if (effect.type === "prompt_check_in") detail.due = effect.due;
  else if (effect.type === "doorstep_timeout") detail.reason = "parents not present";
  else if (effect.type === "thread_reply" || effect.type === "delay_notice" || effect.type === "request_record") return;
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
