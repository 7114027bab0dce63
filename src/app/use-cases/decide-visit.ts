import { authoriseApprover, type DecisionInput, decideVisit } from "../../domain/approval.js";
import type { Result } from "../../domain/domain-error.js";
import { findStaff } from "../../domain/school-directory.js";
import type { Actor, Visit } from "../../domain/visit.js";
import type { AppContext } from "../app-context.js";
import { approvalCard, decisionLine, decisionWord } from "../messages/approval-card.js";
import { visitLabel } from "../messages/visit-details.js";
import { notice } from "../messages/visit-messages.js";
import { asResult } from "./as-result.js";
import { commitVisit } from "./commit-visit.js";
import { loadVisitForUpdate } from "./load-visit.js";

/**
 * An approver approves, declines (with a reason) or approves with conditions: load and lock the
 * visit, check who is deciding, decide, save, update the card in place and tell the requester.
 * Two approvers at once: the row lock makes one decision win; the other is told who decided.
 */
export async function decideOnVisit(
  ctx: AppContext,
  actor: Actor,
  visitId: string,
  input: DecisionInput,
): Promise<Result<Visit>> {
  return asResult(async () => {
    const saved = await ctx.store.inTransaction(async (tx) => {
      const visit = await loadVisitForUpdate(tx, visitId);
      const approver = authoriseApprover(visit, findStaff(ctx.directory, actor.staffId), ctx.policy);
      if (!approver.ok) throw approver.error;
      const decided = decideVisit(visit, approver.value, input, ctx.policy, ctx.clock.now());
      if (!decided.ok) throw decided.error;
      const after = decided.value;
      const requester = findStaff(ctx.directory, after.requesterId);
      return commitVisit(ctx, tx, {
        visit: after,
        effects: [],
        actor,
        action: after.status,
        detail: { reason: after.decision?.reason, conditions: after.decision?.conditions, policyVersion: after.policyVersion },
        extra: [
          {
            visitId: after.id,
            platform: after.platform,
            target: { kind: "channel", role: "approvals" },
            message: approvalCard(after, requester?.name ?? after.requesterId),
            updates: "approval_card",
          },
          {
            visitId: after.id,
            platform: after.platform,
            target: { kind: "dm", staffId: after.requesterId },
            message: notice(
              `Your home visit ${visitLabel(after)} was ${decisionWord(after)}.\n${decisionLine(after)}`,
              after.status === "approved" ? "success" : "warning",
            ),
          },
        ],
      });
    });
    ctx.kick();
    return saved;
  });
}
