import type { FieldError } from "../../domain/domain-error.js";
import { describeRoles } from "../../domain/roles.js";
import { findStaff, hasAnyRole } from "../../domain/school-directory.js";
import { visitingStaff } from "../../domain/visit.js";
import { assessRequest, type PolicyWarning, parseVisitRequest, type VisitRequest } from "../../domain/visit-request.js";
import { timeOf } from "../messages/visit-details.js";
import type { AppContext } from "../ports.js";

/** Visits that still hold their staff for their planned time. */
const BOOKED = ["requested", "approved", "under_way", "at_address", "in_home", "left_address"];

export type CheckedRequest = { ok: true; request: VisitRequest; warnings: PolicyWarning[] } | { ok: false; errors: FieldError[] };

/**
 * A request as the form gave it, checked against the school's policy: what to fix (field errors)
 * or what the approver must see (warnings), for a new request and for one changed and resubmitted
 * (which does not overlap itself).
 */
export async function checkRequest(
  ctx: AppContext,
  input: unknown,
  extraWarnings: readonly PolicyWarning[] = [],
  resubmitted?: { visitId: string; hasCodeWord: boolean },
): Promise<CheckedRequest> {
  const parsed = parseVisitRequest(input);
  if (!parsed.ok) return parsed;
  const assessment = assessRequest(parsed.value, ctx.policy, ctx.clock.now());
  // Sent again with the code word left blank: the one chosen first is kept.
  const keepsCodeWord = !!resubmitted?.hasCodeWord && !parsed.value.codeWord;
  const errors = assessment.errors.filter((error) => !(keepsCodeWord && error.field === "codeWord"));
  if (errors.length > 0) return { ok: false, errors };
  const visitId = resubmitted?.visitId;
  return {
    ok: true,
    request: parsed.value,
    warnings: [
      ...extraWarnings,
      ...assessment.warnings,
      ...approverOnVisit(ctx, parsed.value),
      ...(await overlapping(ctx, parsed.value, visitId)),
    ],
  };
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
async function overlapping(ctx: AppContext, request: VisitRequest, self?: string): Promise<PolicyWarning[]> {
  const start = request.plannedStart.getTime();
  const end = request.expectedReturn.getTime();
  const warnings: PolicyWarning[] = [];
  for (const member of [request.lead, ...(request.second ? [request.second] : [])]) {
    const visits = await ctx.store.listVisits({ staffId: member.staffId, statuses: BOOKED, limit: 50 });
    for (const other of visits) {
      if (other.id === self || !visitingStaff(other).includes(member.staffId)) continue;
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
