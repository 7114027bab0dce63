import { hashCodeWord } from "../../domain/code-word.js";
import type { FieldError } from "../../domain/domain-error.js";
import { nextStep } from "../../domain/safety/safety-engine.js";
import type { Actor, Visit } from "../../domain/visit.js";
import { newVisitId } from "../../domain/visit-id.js";
import type { PolicyWarning } from "../../domain/visit-request.js";
import { approvalCard } from "../messages/approval-card.js";
import { visitLabel } from "../messages/visit-details.js";
import { notice } from "../messages/visit-messages.js";
import type { AppContext } from "../ports.js";
import { loadReach } from "../reach.js";
import { checkRequest } from "./check-request.js";

export type RequestOutcome = { ok: true; visit: Visit; duplicate?: boolean } | { ok: false; errors: FieldError[] };

export interface RequestOptions {
  /**
   * Tell the requester by direct message that the request went. Slack's modal closes without a
   * word, so it needs this; Teams and the console turn the form itself into that confirmation.
   */
  confirmByMessage?: boolean;
  /** The platform's id for this submission (a Slack view, a Teams card): one visit however often it arrives. */
  onceKey?: string;
  /** Warnings the caller knows of, first on the approval card (an attendance trigger: this visit must take place). */
  extraWarnings?: readonly PolicyWarning[];
}

/**
 * A member of staff asks to make a home visit: parse the form, check it against the school's
 * policy, save it, and put the approval card in front of the approvers.
 */
export async function requestVisit(
  ctx: AppContext,
  actor: Actor,
  input: unknown,
  options: RequestOptions = {},
): Promise<RequestOutcome> {
  const checked = await checkRequest(ctx, input, options.extraWarnings ?? []);
  if (!checked.ok) return checked;
  const now = ctx.clock.now();
  const { codeWord, ...request } = checked.request;
  const warnings = checked.warnings;
  const visit: Visit = {
    id: newVisitId(),
    status: "requested",
    version: 0,
    platform: actor.platform,
    requesterId: actor.staffId,
    request,
    codeWordHash: codeWord ? await hashCodeWord(codeWord) : "",
    warnings,
    policy: ctx.policy,
    policyVersion: ctx.policy.version,
    decision: null,
    progress: { expectedReturn: request.expectedReturn.toISOString() },
    messageRefs: {},
    createdAt: now,
    hasRecord: false,
  };
  const reach = await loadReach(ctx);

  const earlier = await ctx.store.inTransaction(async (tx) => {
    if (options.onceKey) {
      const claim = await tx.claimOnce(options.onceKey, { visitId: visit.id });
      if (!claim.first) return String(claim.result.visitId ?? "");
    }
    await tx.insertVisit(visit);
    await tx.appendAudit({
      visitId: visit.id,
      at: now,
      actorId: actor.staffId,
      actor: actor.name,
      platform: actor.platform,
      action: "requested",
      detail: { warnings: warnings.map((w) => w.code), policyVersion: ctx.policy.version },
    });
    await tx.setSafetyTimer(visit.id, nextStep(visit, now, reach(visit.platform)).nextAt);
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
    return null;
  });
  if (earlier !== null) {
    // The same submission again (a double press, a retry, another instance): the first one's visit.
    const first = earlier ? await ctx.store.getVisit(earlier) : null;
    if (first) return { ok: true, visit: first, duplicate: true };
  }
  ctx.kick();
  // Their next form starts from this one: the mobile and car they used. Outside the visit's
  // transaction, so someone sending several requests at once never waits on their own row, and a
  // failure here never loses the visit.
  await ctx.store
    .saveStaffDetails(actor.staffId, { mobile: request.lead.mobile, vehicle: request.vehicle })
    .catch((error: unknown) => ctx.log.warn("could not keep the requester's details for their next form", { err: error }));
  return { ok: true, visit };
}
