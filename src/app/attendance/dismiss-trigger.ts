import { DomainError, type Result } from "../../domain/domain-error.js";
import { findStaff, hasAnyRole } from "../../domain/school-directory.js";
import type { Actor } from "../../domain/visit.js";
import { dismissedCard } from "../messages/attendance-triggers.js";
import type { NeutralMessage } from "../messages/neutral-message.js";
import type { AppContext } from "../ports.js";
import type { TriggerRow } from "./attendance-port.js";

/** Whoever a trigger reaches may act on it: the office for day 1, the leads for the rest. */
export function mayActOnTrigger(ctx: AppContext, actor: Actor, trigger: TriggerRow): boolean {
  const a = ctx.policy.attendance;
  const roles = trigger.kind === "no_contact" ? [...a.officeRoles, ...a.leadRoles] : a.leadRoles;
  return hasAnyRole(findStaff(ctx.directory, actor.staffId), [...roles, ...a.importRoles]);
}

/** Loads a trigger someone pressed a button on, if they may act on it. */
export async function triggerFor(ctx: AppContext, actor: Actor, triggerId: string): Promise<Result<TriggerRow>> {
  const trigger = await ctx.store.attendance.getTrigger(triggerId);
  if (!trigger)
    return {
      ok: false,
      error: new DomainError("invalid-request", "This attendance reminder is no longer kept (past the retention period?)."),
    };
  if (!mayActOnTrigger(ctx, actor, trigger))
    return {
      ok: false,
      error: new DomainError("not-allowed", "Only the people this attendance reminder was sent to can act on it."),
    };
  return { ok: true, value: trigger };
}

/**
 * Someone says no action is needed on a trigger, and why: it stops (a must-see trigger reminds no
 * more), the reason is audited, and the card says who dismissed it. A second press is told who did.
 */
export async function dismissTrigger(
  ctx: AppContext,
  actor: Actor,
  triggerId: string,
  reason: string,
): Promise<Result<NeutralMessage>> {
  const why = reason.trim();
  if (!why) return { ok: false, error: new DomainError("invalid-request", "Give a reason for dismissing it.") };
  const allowed = await triggerFor(ctx, actor, triggerId);
  if (!allowed.ok) return allowed;
  const now = ctx.clock.now();
  // Read before the transaction: the embedded database has one connection, and the transaction holds it.
  const pupil = (await ctx.store.attendance.getPupil(allowed.value.pupilId)) ?? {
    pupilId: allowed.value.pupilId,
    name: allowed.value.pupilId,
    address: null,
  };
  return ctx.store.attendance.inTransaction(async (tx): Promise<Result<NeutralMessage>> => {
    const trigger = await tx.getTriggerForUpdate(triggerId);
    if (!trigger) return { ok: false, error: new DomainError("invalid-request", "This attendance reminder is no longer kept.") };
    if (trigger.state === "dismissed")
      return {
        ok: false,
        error: new DomainError(
          "already-decided",
          `Already dismissed by ${trigger.dismissedBy ?? "someone"}: ${trigger.dismissReason ?? ""}`,
        ),
      };
    if (trigger.state === "resolved")
      return {
        ok: false,
        error: new DomainError(
          "already-decided",
          "This has already been dealt with: a visit was recorded, or the child is back.",
        ),
      };
    await tx.updateTrigger(trigger.id, { state: "dismissed", dismissedAt: now, dismissedBy: actor.name, dismissReason: why });
    await tx.appendAudit({
      visitId: null,
      at: now,
      actorId: actor.staffId,
      actor: actor.name,
      platform: actor.platform,
      action: "attendance_trigger_dismissed",
      detail: { trigger: trigger.id, kind: trigger.kind, reason: why },
    });
    return { ok: true, value: dismissedCard(trigger, pupil, actor.name, why) };
  });
}
