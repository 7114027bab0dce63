import { hashCodeWord } from "../../domain/code-word.js";
import type { FieldError } from "../../domain/domain-error.js";
import { nextStep } from "../../domain/safety-engine.js";
import type { Actor, Visit } from "../../domain/visit.js";
import { newVisitId } from "../../domain/visit-id.js";
import { assessRequest, parseVisitRequest } from "../../domain/visit-request.js";
import type { AppContext } from "../app-context.js";
import { approvalCard } from "../messages/approval-card.js";
import { visitLabel } from "../messages/visit-details.js";
import { notice } from "../messages/visit-messages.js";
import { reachIn } from "../reach.js";

export type RequestOutcome = { ok: true; visit: Visit } | { ok: false; errors: FieldError[] };

/**
 * A member of staff asks to make a home visit: parse the form, check it against the school's
 * policy, save it, and put the approval card in front of the approvers.
 */
export interface RequestOptions {
  /**
   * Tell the requester by direct message that the request went. Slack's modal closes without a
   * word, so it needs this; Teams and the console turn the form itself into that confirmation.
   */
  confirmByMessage?: boolean;
}

export async function requestVisit(
  ctx: AppContext,
  actor: Actor,
  input: unknown,
  options: RequestOptions = {},
): Promise<RequestOutcome> {
  const parsed = parseVisitRequest(input);
  if (!parsed.ok) return parsed;
  const now = ctx.clock.now();
  const assessment = assessRequest(parsed.value, ctx.policy, now);
  if (assessment.errors.length > 0) return { ok: false, errors: assessment.errors };

  const { codeWord, ...request } = parsed.value;
  const visit: Visit = {
    id: newVisitId(),
    status: "requested",
    version: 0,
    platform: actor.platform,
    requesterId: actor.staffId,
    request,
    codeWordHash: codeWord ? await hashCodeWord(codeWord) : "",
    warnings: assessment.warnings,
    policy: ctx.policy,
    policyVersion: ctx.policy.version,
    decision: null,
    progress: { expectedReturn: request.expectedReturn.toISOString() },
    messageRefs: {},
    createdAt: now,
    hasRecord: false,
  };

  await ctx.store.inTransaction(async (tx) => {
    await tx.insertVisit(visit);
    await tx.appendAudit({
      visitId: visit.id,
      at: now,
      actorId: actor.staffId,
      actor: actor.name,
      platform: actor.platform,
      action: "requested",
      detail: { warnings: assessment.warnings.map((w) => w.code), policyVersion: ctx.policy.version },
    });
    await tx.setSafetyTimer(visit.id, nextStep(visit, now, reachIn(ctx.directory)).nextAt);
    await tx.enqueue(
      [
        {
          visitId: visit.id,
          platform: visit.platform,
          target: { kind: "channel", role: "approvals" },
          message: approvalCard(visit, actor.name),
          refKey: "approval_card",
        },
        ...(options.confirmByMessage === false
          ? []
          : [
              {
                visitId: visit.id,
                platform: visit.platform,
                target: { kind: "dm" as const, staffId: actor.staffId },
                message: notice(`Home visit ${visitLabel(visit)} was sent for approval. You will hear here when it is decided.`),
              },
            ]),
      ],
      now,
    );
  });
  ctx.kick();
  return { ok: true, visit };
}
