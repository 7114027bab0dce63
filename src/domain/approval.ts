import { fail, ok, type Result } from "./domain-error.js";
import type { Policy } from "./policy.js";
import { describeRoles } from "./roles.js";
import { hasAnyRole, type StaffMember } from "./school-directory.js";
import { type Conditions, type Decision, isOnVisit, type Visit } from "./visit.js";
import { describeStatus, transition } from "./visit-lifecycle.js";

export { describeRoles };

/**
 * Only the policy's approvers may decide; a safeguarding purpose needs a safeguarding lead; and
 * nobody authorises their own visit unless the policy allows it.
 */
export function authoriseApprover(visit: Visit, approver: StaffMember | undefined, policy: Policy): Result<StaffMember> {
  const roles = policy.approval.approverRoles;
  if (!approver || !hasAnyRole(approver, roles)) {
    return fail("not-an-approver", `Only ${describeRoles(roles)} can approve home visits.`, { roles });
  }
  if (!policy.approval.allowSelfApproval && (visit.requesterId === approver.id || isOnVisit(visit, approver.id))) {
    const why = isOnVisit(visit, approver.id) ? "you are on this visit" : "you requested this visit";
    return fail("self-approval", `Another approver must decide: ${why}, and visits are authorised by someone else first.`);
  }
  const purpose = policy.purposes.find((p) => p.id === visit.request.purposeId);
  const dslRoles = policy.approval.safeguardingApproverRoles;
  if (purpose?.safeguarding && dslRoles.length > 0 && !hasAnyRole(approver, dslRoles)) {
    return fail(
      "safeguarding-approver-required",
      `This is a safeguarding visit: only ${describeRoles(dslRoles)} can approve it.`,
      {
        roles: dslRoles,
      },
    );
  }
  return ok(approver);
}

export type DecisionInput =
  | { outcome: "approve" }
  | { outcome: "decline"; reason: string }
  | { outcome: "conditions"; conditions: Conditions };

/**
 * Applies an approver's decision. The current policy is snapshotted onto the visit here, so later
 * edits to the policy never change a visit that is already approved or running.
 */
export function decideVisit(visit: Visit, approver: StaffMember, input: DecisionInput, policy: Policy, now: Date): Result<Visit> {
  if (visit.status !== "requested") {
    const by = visit.decision ? ` by ${visit.decision.by.name}` : "";
    const what = visit.decision ? decisionWords[visit.decision.outcome] : describeStatus(visit.status);
    return fail("already-decided", `This visit was already ${what}${by}.`, { status: visit.status });
  }
  if (input.outcome === "conditions" && !hasAnyCondition(input.conditions))
    return fail("invalid-request", "Choose or write at least one condition; to approve without conditions, press Approve.", {
      field: "conditions",
    });
  const by = { staffId: approver.id, name: approver.name };
  const at = now.toISOString();
  let decision: Decision;
  let event: "approve" | "decline" | "request_changes";
  if (input.outcome === "decline") {
    if (!input.reason.trim()) return fail("invalid-request", "Give a reason for declining.", { field: "reason" });
    decision = { outcome: "declined", by, at, reason: input.reason.trim() };
    event = "decline";
  } else if (input.outcome === "conditions" && input.conditions.requirePair && !visit.request.second) {
    // A pair cannot be conjured on the card: send it back to the requester to add one.
    decision = { outcome: "changes_requested", by, at, conditions: input.conditions, reason: "Add a second member of staff." };
    event = "request_changes";
  } else {
    decision = { outcome: "approved", by, at, ...(input.outcome === "conditions" ? { conditions: input.conditions } : {}) };
    event = "approve";
  }
  const next = transition(visit.status, event);
  if (!next.ok) return next;
  const approved = event === "approve";
  return ok({
    ...visit,
    status: next.value,
    decision,
    policy: approved ? policy : visit.policy,
    policyVersion: approved ? policy.version : visit.policyVersion,
  });
}

const decisionWords: Record<Decision["outcome"], string> = {
  approved: "approved",
  declined: "declined",
  changes_requested: "sent back for changes",
};

function hasAnyCondition(conditions: Conditions): boolean {
  return !!conditions.requirePair || !!conditions.policeAccompaniment || !!conditions.note?.trim();
}
