import { cancel } from "../../domain/cancellation.js";
import { DomainError, type Result } from "../../domain/domain-error.js";
import { findStaff, hasAnyRole } from "../../domain/school-directory.js";
import { type Actor, isOnVisit, type Visit } from "../../domain/visit.js";
import { approvalCard } from "../messages/approval-card.js";
import type { AppContext } from "../ports.js";
import { changeVisit } from "./change-visit.js";
import { commitVisit } from "./commit-visit.js";

/** The requester, the pair or an approver cancels a visit (unsafe, animals not secured, rearranged…). */
export function cancelVisit(ctx: AppContext, actor: Actor, visitId: string, reason: string): Promise<Result<Visit>> {
  return changeVisit(ctx, visitId, async (visit, tx, reach) => {
    const allowed =
      visit.requesterId === actor.staffId ||
      isOnVisit(visit, actor.staffId) ||
      hasAnyRole(findStaff(ctx.directory, actor.staffId), visit.policy.approval.approverRoles);
    if (!allowed)
      throw new DomainError("not-allowed", "Only the requester, the visiting staff or an approver can cancel this visit.");
    const cancelled = cancel(visit, actor, reason, ctx.clock.now());
    if (!cancelled.ok) throw cancelled.error;
    const requester = findStaff(ctx.directory, visit.requesterId);
    return commitVisit(ctx, tx, reach, {
      ...cancelled.value,
      actor,
      action: "cancelled",
      detail: { reason: cancelled.value.visit.progress.cancelReason },
      extra: [
        {
          visitId: visit.id,
          platform: visit.platform,
          target: { kind: "channel", role: "approvals" },
          message: approvalCard(cancelled.value.visit, requester?.name ?? visit.requesterId),
          updates: "approval_card",
        },
      ],
    });
  });
}
