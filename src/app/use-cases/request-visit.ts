import { hashCodeWord } from "../../domain/code-word.js";
import type { FieldError } from "../../domain/domain-error.js";
import { describeRoles } from "../../domain/roles.js";
import { nextStep } from "../../domain/safety/safety-engine.js";
import { findStaff, hasAnyRole } from "../../domain/school-directory.js";
import { type Actor, type Visit, visitingStaff } from "../../domain/visit.js";
import { newVisitId } from "../../domain/visit-id.js";
import { assessRequest, type PolicyWarning, parseVisitRequest, type VisitRequest } from "../../domain/visit-request.js";
import { approvalCard } from "../messages/approval-card.js";
import { timeOf, visitLabel } from "../messages/visit-details.js";
import { notice } from "../messages/visit-messages.js";
import type { AppContext } from "../ports.js";
import { loadReach } from "../reach.js";

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

/** Visits that still hold their staff for their planned time. */
const BOOKED = ["requested", "approved", "under_way", "at_address", "in_home", "left_address"];

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
  const parsed = parseVisitRequest(input);
  if (!parsed.ok) return parsed;
  const now = ctx.clock.now();
  const assessment = assessRequest(parsed.value, ctx.policy, now);
  if (assessment.errors.length > 0) return { ok: false, errors: assessment.errors };

  const { codeWord, ...request } = parsed.value;
  const warnings = [
    ...(options.extraWarnings ?? []),
    ...assessment.warnings,
    ...approverOnVisit(ctx, parsed.value),
    ...(await overlapping(ctx, parsed.value)),
  ];
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

/** An approver on the visit cannot authorise it (unless the policy allows): the card says so. */
function approverOnVisit(ctx: AppContext, request: VisitRequest): PolicyWarning[] {
  const policy = ctx.policy;
  if (policy.approval.allowSelfApproval) return [];
  return [request.lead, ...(request.second ? [request.second] : [])].flatMap((member) =>
    hasAnyRole(findStaff(ctx.directory, member.staffId), policy.approval.approverRoles)
      ? [
          {
            code: "approver-on-visit" as const,
            text: `${member.name} is on this visit, so another approver (${describeRoles(policy.approval.approverRoles)}) must decide.`,
          },
        ]
      : [],
  );
}

/** The same staff already booked for an overlapping visit: the approver should know. */
async function overlapping(ctx: AppContext, request: VisitRequest): Promise<PolicyWarning[]> {
  const start = request.plannedStart.getTime();
  const end = request.expectedReturn.getTime();
  const warnings: PolicyWarning[] = [];
  for (const member of [request.lead, ...(request.second ? [request.second] : [])]) {
    const visits = await ctx.store.listVisits({ staffId: member.staffId, statuses: BOOKED, limit: 50 });
    for (const other of visits) {
      if (!visitingStaff(other).includes(member.staffId)) continue;
      const otherEnd = new Date(other.progress.expectedReturn).getTime();
      if (other.request.plannedStart.getTime() < end && otherEnd > start)
        warnings.push({
          code: "overlapping-visit",
          text: `${member.name} is already on home visit ${other.id}, ${timeOf(other, other.request.plannedStart)}–${timeOf(other, other.progress.expectedReturn)}.`,
        });
    }
  }
  return warnings;
}
