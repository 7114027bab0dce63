import { fail, ok, type Result } from "./domain-error.js";
import { mergedConditions, signOff, signOffParts } from "./joint-approval.js";
import type { Policy } from "./policy.js";
import { describeRoles } from "./roles.js";
import { hasAnyRole, type StaffMember } from "./school-directory.js";
import { type Conditions, type Decision, isOnVisit, type Review, type Visit } from "./visit.js";
import { describeStatus, transition } from "./visit-lifecycle.js";

export { describeRoles };

/**
 * Only the policy's approvers may decide; a safeguarding purpose needs a safeguarding lead (or,
 * with a joint approval, each of its sign-offs); and nobody authorises their own visit unless the
 * policy allows it.
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
  const joint = signOffParts(visit, policy).length > 0;
  if (purpose?.safeguarding && !joint && dslRoles.length > 0 && !hasAnyRole(approver, dslRoles)) {
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
  | { outcome: "conditions"; conditions: Conditions }
  /** Sent back to the requester, who changes it and resubmits into the same visit. */
  | { outcome: "changes"; note: string };

/**
 * Applies an approver's decision. The current policy is snapshotted onto the visit here, so later
 * edits to the policy never change a visit that is already approved or running. A joint approval
 * stays requested until its last sign-off.
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
  if (input.outcome === "decline") {
    if (!input.reason.trim()) return fail("invalid-request", "Give a reason for declining.", { field: "reason" });
    return settle(visit, "decline", { outcome: "declined", by, at, reason: input.reason.trim() }, policy);
  }
  if (input.outcome === "changes") {
    if (!input.note.trim()) return fail("invalid-request", "Say what needs changing: the requester sees it.", { field: "note" });
    return sendBack(visit, { outcome: "changes_requested", by, at, reason: input.note.trim() }, policy);
  }
  const conditions = input.outcome === "conditions" ? input.conditions : undefined;
  if (conditions?.requirePair && !visit.request.second)
    // A pair cannot be conjured on the card: send it back to the requester to add one.
    return sendBack(visit, { outcome: "changes_requested", by, at, conditions, reason: "Add a second member of staff." }, policy);
  if (signOffParts(visit, policy).length === 0)
    return settle(visit, "approve", { outcome: "approved", by, at, ...(conditions ? { conditions } : {}) }, policy);

  const signed = signOff(visit, approver, policy, now, conditions);
  if (!signed.ok) return signed;
  const withSignOffs: Visit = { ...visit, progress: { ...visit.progress, signOffs: signed.value } };
  if (signed.value.length < signOffParts(visit, policy).length) return ok(withSignOffs);
  const merged = mergedConditions(signed.value);
  return settle(
    withSignOffs,
    "approve",
    { outcome: "approved", by, at, signedOffBy: signed.value, ...(merged ? { conditions: merged } : {}) },
    policy,
  );
}

function settle(
  visit: Visit,
  event: "approve" | "decline" | "request_changes",
  decision: Decision,
  policy: Policy,
): Result<Visit> {
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

/** Back to the requester: sign-offs so far no longer count, since the request will change. */
function sendBack(visit: Visit, decision: Decision, policy: Policy): Result<Visit> {
  const review: Review = {
    kind: "changes_requested",
    by: decision.by,
    at: decision.at,
    ...(decision.reason ? { note: decision.reason } : {}),
  };
  const progress = { ...visit.progress, signOffs: [], reviews: [...(visit.progress.reviews ?? []), review] };
  return settle({ ...visit, progress }, "request_changes", decision, policy);
}

const decisionWords: Record<Decision["outcome"], string> = {
  approved: "approved",
  declined: "declined",
  changes_requested: "sent back for changes",
};

function hasAnyCondition(conditions: Conditions): boolean {
  return !!conditions.requirePair || !!conditions.policeAccompaniment || !!conditions.note?.trim();
}
