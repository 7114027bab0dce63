import { DomainError, type Result } from "../../domain/domain-error.js";
import { findStaff, hasAnyRole } from "../../domain/school-directory.js";
import { type Actor, isOnVisit, type Visit } from "../../domain/visit.js";
import { transition } from "../../domain/visit-lifecycle.js";
import type { AppContext } from "../app-context.js";
import { approvalCard } from "../messages/approval-card.js";
import { asResult } from "./as-result.js";
import { commitVisit } from "./commit-visit.js";
import { loadVisitForUpdate } from "./load-visit.js";

/** The requester, the pair or an approver cancels a visit (e.g. unsafe, animals not secured). */
export async function cancelVisit(ctx: AppContext, actor: Actor, visitId: string, reason: string): Promise<Result<Visit>> {
  return asResult(async () => {
    const saved = await ctx.store.inTransaction(async (tx) => {
      const visit = await loadVisitForUpdate(tx, visitId);
      const allowed =
        visit.requesterId === actor.staffId ||
        isOnVisit(visit, actor.staffId) ||
        hasAnyRole(findStaff(ctx.directory, actor.staffId), ctx.policy.approval.approverRoles);
      if (!allowed)
        throw new DomainError("not-allowed", "Only the requester, the visiting staff or an approver can cancel this visit.");
      const next = transition(visit.status, "cancel");
      if (!next.ok) throw next.error;
      const now = ctx.clock.now().toISOString();
      const cancelled: Visit = {
        ...visit,
        status: next.value,
        progress: {
          ...visit.progress,
          cancelReason: reason || "cancelled",
          ladder: null,
          doorstep: undefined,
          ...(visit.progress.arrivedAt ? { leftAddressAt: now } : {}),
        },
      };
      const requester = findStaff(ctx.directory, visit.requesterId);
      return commitVisit(ctx, tx, {
        visit: cancelled,
        effects: visit.progress.threadOpenedAt ? [{ type: "thread_reply", text: `Visit cancelled by ${actor.name}.` }] : [],
        actor,
        action: "cancelled",
        detail: { reason },
        extra:
          visit.status === "requested"
            ? [
                {
                  visitId: visit.id,
                  platform: visit.platform,
                  target: { kind: "channel", role: "approvals" },
                  message: {
                    ...approvalCard(cancelled, requester?.name ?? visit.requesterId),
                    blocks: [{ type: "text", text: `Home visit ${visit.id} was cancelled by ${actor.name}.` }],
                  },
                  updates: "approval_card",
                },
              ]
            : [],
      });
    });
    ctx.kick();
    return saved;
  });
}
