import { hashCodeWord } from "../../domain/code-word.js";
import { DomainError } from "../../domain/domain-error.js";
import { resubmitRequest } from "../../domain/resubmission.js";
import { findStaff } from "../../domain/school-directory.js";
import type { Actor, Visit } from "../../domain/visit.js";
import { approvalCard } from "../messages/approval-card.js";
import { visitLabel } from "../messages/visit-details.js";
import { notice } from "../messages/visit-messages.js";
import type { AppContext } from "../ports.js";
import { changeVisit } from "./change-visit.js";
import { checkRequest } from "./check-request.js";
import { commitVisit } from "./commit-visit.js";
import type { RequestOutcome } from "./request-visit.js";

/**
 * The requester changes a visit that was sent back and sends it again, into the same visit id:
 * check the new details as a new request would be, save them with the story so far, put the
 * card back in front of the approvers with its history, and tell them it came back.
 */
export async function resubmitVisit(
  ctx: AppContext,
  actor: Actor,
  visitId: string,
  input: unknown,
): Promise<RequestOutcome | { ok: false; error: DomainError }> {
  const current = await ctx.store.getVisit(visitId);
  const checked = await checkRequest(ctx, input, [], { visitId, hasCodeWord: !!current?.codeWordHash });
  if (!checked.ok) return checked;
  const { codeWord, ...request } = checked.request;
  const codeWordHash = codeWord ? await hashCodeWord(codeWord) : undefined;
  const me = findStaff(ctx.directory, actor.staffId);
  if (!me) return { ok: false, error: new DomainError("unknown-staff", "You are not in this school's staff directory.") };
  const result = await changeVisit(ctx, visitId, async (visit, tx, reach) => {
    const sentBy = visit.progress.reviews?.at(-1)?.by.name ?? "an approver";
    const resent = resubmitRequest(
      visit,
      me,
      { request, warnings: checked.warnings, ...(codeWordHash ? { codeWordHash } : {}) },
      ctx.clock.now(),
    );
    if (!resent.ok) throw resent.error;
    return commitVisit(ctx, tx, reach, {
      visit: resent.value,
      effects: [],
      actor,
      action: "resubmitted",
      detail: { warnings: checked.warnings.map((w) => w.code), codeWordChanged: !!codeWordHash },
      extra: resentMessages(resent.value, actor.name, sentBy),
    });
  });
  return result.ok ? { ok: true, visit: result.value } : result;
}

function resentMessages(visit: Visit, requester: string, sentBy: string) {
  const base = { visitId: visit.id, platform: visit.platform } as const;
  return [
    {
      ...base,
      target: { kind: "channel", role: "approvals" } as const,
      message: approvalCard(visit, requester),
      updates: "approval_card",
    },
    {
      ...base,
      target: { kind: "channel", role: "approvals" } as const,
      message: notice(`${requester} changed home visit ${visitLabel(visit)} as ${sentBy} asked, and sent it for approval again.`),
    },
  ];
}
