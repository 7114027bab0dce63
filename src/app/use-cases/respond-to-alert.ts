import { DomainError, type Result } from "../../domain/domain-error.js";
import { standDownAlert, takeAlert } from "../../domain/safety/responders.js";
import type { SafeHow } from "../../domain/safety-effects.js";
import { findStaff, hasAnyRole } from "../../domain/school-directory.js";
import { type Actor, isOnVisit, type Visit } from "../../domain/visit.js";
import type { AppContext } from "../ports.js";
import { changeVisit } from "./change-visit.js";
import { commitVisit } from "./commit-visit.js";

/** Roles that may act on an alert, besides whoever the ladder has already reached. */
function mayRespond(ctx: AppContext, visit: Visit, actor: Actor): boolean {
  if (isOnVisit(visit, actor.staffId)) return true; // refused with its own reason by the domain
  const reached = visit.progress.ladder?.reached ?? [];
  const policy = visit.policy;
  const roles = [...new Set([...reached, ...policy.escalation.codeWordNotify, ...policy.approval.approverRoles, "office"])];
  return hasAnyRole(findStaff(ctx.directory, actor.staffId), roles);
}

function refuseOutsiders(ctx: AppContext, visit: Visit, actor: Actor): void {
  if (!mayRespond(ctx, visit, actor))
    throw new DomainError("not-allowed", "Only the office and the people this alert went to can respond to it.");
}

/**
 * "I'm calling them": the alert pauses for the policy's time, then goes on unless the staff are
 * confirmed safe. Every card it sent now says who took it. Never the pair's to press.
 */
export function acknowledgeAlert(ctx: AppContext, actor: Actor, visitId: string, note?: string): Promise<Result<Visit>> {
  return changeVisit(ctx, visitId, async (visit, tx, reach) => {
    refuseOutsiders(ctx, visit, actor);
    const taken = takeAlert(visit, actor, ctx.clock.now(), note?.trim() || undefined);
    if (!taken.ok) throw taken.error;
    const until = taken.value.visit.progress.alarm?.acknowledged?.until ?? taken.value.visit.progress.ladder?.acknowledged?.until;
    return commitVisit(ctx, tx, reach, {
      ...taken.value,
      actor,
      action: "escalation_acknowledged",
      detail: { until, ...(note ? { note } : {}) },
    });
  });
}

/**
 * Someone who is not on the visit confirms the staff are safe, and says how they know. The alert
 * ends everywhere it reached, and every card it sent loses its buttons.
 */
export function confirmStaffSafe(
  ctx: AppContext,
  actor: Actor,
  visitId: string,
  how: SafeHow,
  note?: string,
): Promise<Result<Visit>> {
  return changeVisit(ctx, visitId, async (visit, tx, reach) => {
    refuseOutsiders(ctx, visit, actor);
    const now = ctx.clock.now();
    const stood = standDownAlert(visit, actor, how, now, reach(visit.platform), note?.trim() || undefined);
    if (!stood.ok) throw stood.error;
    return commitVisit(ctx, tx, reach, { ...stood.value, actor, action: "staff_confirmed_safe", detail: { how } });
  });
}
