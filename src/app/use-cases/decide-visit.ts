import { authoriseApprover, type DecisionInput, decideVisit } from "../../domain/approval.js";
import { DomainError, type Result } from "../../domain/domain-error.js";
import { describeParts, missingParts } from "../../domain/joint-approval.js";
import { findStaff } from "../../domain/school-directory.js";
import { hasStops } from "../../domain/stops.js";
import { type Actor, type Visit, visitingStaff } from "../../domain/visit.js";
import { normaliseVisitId } from "../../domain/visit-id.js";
import { APPROVAL_ACTIONS, approvalCard, decisionLine, decisionWord } from "../messages/approval-card.js";
import type { NeutralMessage } from "../messages/neutral-message.js";
import { stopPlanMessage } from "../messages/stop-plan.js";
import { visitLabel } from "../messages/visit-details.js";
import { notice } from "../messages/visit-messages.js";
import { resolveRecipients } from "../outbox/recipients.js";
import type { AppContext, OutgoingMessage } from "../ports.js";
import { changeVisit } from "./change-visit.js";
import { commitVisit } from "./commit-visit.js";

/**
 * An approver approves, declines (with a reason) or approves with conditions: load and lock the
 * visit, check who is deciding, decide, save, update the card in place and tell the requester.
 * Two approvers at once: the row lock makes one decision win; the other is told who decided.
 */
export function decideOnVisit(ctx: AppContext, actor: Actor, visitId: string, input: DecisionInput): Promise<Result<Visit>> {
  return changeVisit(ctx, visitId, async (visit, tx, reach) => {
    const approver = authoriseApprover(visit, findStaff(ctx.directory, actor.staffId), ctx.policy);
    if (!approver.ok) throw approver.error;
    const decided = decideVisit(visit, approver.value, input, ctx.policy, ctx.clock.now());
    if (!decided.ok) throw decided.error;
    const after = decided.value;
    // A joint approval's first sign-offs leave it requested: the card says who is still needed.
    const signedOff = after.status === "requested";
    const own = after.progress.signOffs?.at(-1);
    return commitVisit(ctx, tx, reach, {
      visit: after,
      effects: [],
      actor,
      action: signedOff ? "signed_off" : after.status,
      detail: signedOff
        ? { part: own?.part, conditions: own?.conditions }
        : { reason: after.decision?.reason, conditions: after.decision?.conditions, policyVersion: after.policyVersion },
      extra: decisionMessages(ctx, after),
    });
  });
}

/**
 * Before a decline or conditions form opens: refuse at once someone who may not decide, or a visit
 * already decided, rather than after they have typed a reason. The decision itself checks again.
 */
export async function checkCanDecide(
  ctx: AppContext,
  actor: Actor,
  visitId: string,
  intent: "approve" | "decline" = "approve",
): Promise<Result<Visit>> {
  const id = normaliseVisitId(visitId);
  const visit = await ctx.store.getVisit(id);
  if (!visit) return { ok: false, error: new DomainError("visit-not-found", `There is no home visit ${id}.`) };
  const approver = authoriseApprover(visit, findStaff(ctx.directory, actor.staffId), ctx.policy);
  if (!approver.ok) return approver;
  // Declining or sending back needs only a request still waiting; approving, a sign-off still needed.
  const input: DecisionInput = intent === "approve" ? { outcome: "approve" } : { outcome: "decline", reason: "?" };
  const dryRun = decideVisit(visit, approver.value, input, ctx.policy, ctx.clock.now());
  return dryRun.ok ? { ok: true, value: visit } : dryRun;
}

/** The card updated in place, the requester told, and a police condition put to both staff. */
function decisionMessages(ctx: AppContext, visit: Visit): OutgoingMessage[] {
  const requester = findStaff(ctx.directory, visit.requesterId);
  const out = (target: OutgoingMessage["target"], message: OutgoingMessage["message"], extra: Partial<OutgoingMessage> = {}) => ({
    visitId: visit.id,
    platform: visit.platform,
    target,
    message,
    ...extra,
  });
  const messages: OutgoingMessage[] = [
    out({ kind: "channel", role: "approvals" }, approvalCard(visit, requester?.name ?? visit.requesterId), {
      updates: "approval_card",
    }),
    out({ kind: "dm", staffId: visit.requesterId }, toRequester(visit)),
  ];
  if (visit.status === "approved" && hasStops(visit))
    for (const to of resolveRecipients(visit, visit.policy.stops.planNotify, ctx.directory))
      messages.push(out(to.target, stopPlanMessage(visit)));
  if (visit.status === "approved" && visit.decision?.conditions?.policeAccompaniment)
    for (const staffId of visitingStaff(visit).filter((id) => id !== visit.requesterId))
      messages.push(
        out(
          { kind: "dm", staffId },
          notice(
            `Home visit ${visitLabel(visit)} is approved on condition of police accompaniment: do not go in without the police.`,
            "warning",
          ),
        ),
      );
  return messages;
}

/** What the requester hears: decided, sent back (with the button to change it), or one sign-off of several. */
function toRequester(visit: Visit): NeutralMessage {
  if (visit.status === "requested") {
    const last = visit.progress.signOffs?.at(-1);
    const needed = describeParts(missingParts(visit, visit.policy), visit, visit.policy);
    return notice(`${last?.name ?? "An approver"} approved your home visit ${visitLabel(visit)}. It still needs ${needed}.`);
  }
  const told = notice(
    `Your home visit ${visitLabel(visit)} was ${decisionWord(visit)}.\n${decisionLine(visit)}`,
    visit.status === "approved" ? "success" : "warning",
  );
  if (visit.status !== "changes_requested") return told;
  return {
    ...told,
    blocks: [
      ...told.blocks,
      {
        type: "actions",
        actions: [{ id: APPROVAL_ACTIONS.resubmit, label: "Change and send again", value: visit.id, style: "primary" }],
      },
    ],
  };
}
