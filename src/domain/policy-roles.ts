import type { Policy } from "./policy.js";
import { ADMIN_ROLE, KNOWN_ROLES } from "./roles.js";

/** Ladder targets that are not roles: the pair, the alerts channel, the visit's own contacts. */
const NOT_ROLES = new Set(["pair", "alerts", "responsible_contact", "approver"]);

/**
 * Every role the policy relies on to approve or to be told, with the key that names it: someone
 * must always hold each of these, or a request or an alarm reaches nobody.
 */
export function rolesPolicyReliesOn(policy: Policy): Map<string, string> {
  const named = new Map<string, string>();
  const add = (roles: readonly string[], key: string) => {
    for (const role of roles) if (!NOT_ROLES.has(role) && !named.has(role)) named.set(role, key);
  };
  add(policy.approval.approverRoles, "approval.approverRoles");
  add(policy.approval.safeguardingApproverRoles, "approval.safeguardingApproverRoles");
  for (const [i, step] of policy.escalation.steps.entries()) add(step.notify, `escalation.steps[${i}] (${step.id}).notify`);
  add(policy.escalation.codeWordNotify, "escalation.codeWordNotify");
  return named;
}

/** The roles a person can be given: homevisit's own, and any other the school's policy names. */
export function grantableRoles(policy: Policy): string[] {
  const roles = new Set([...KNOWN_ROLES, ...rolesPolicyReliesOn(policy).keys()]);
  const more = [
    ...policy.cancellation.notify,
    ...policy.attendance.notifyOnNoAnswer,
    ...policy.attendance.leadRoles,
    ...policy.attendance.officeRoles,
    ...policy.attendance.importRoles,
    ...policy.purposes.flatMap((purpose) => (purpose.jointApproval ?? []).flat()),
  ];
  for (const role of more) if (!NOT_ROLES.has(role)) roles.add(role);
  return [...roles].sort();
}

/** Roles that must never be left with nobody: the policy's, and admin (or nobody could change roles again). */
export function rolesThatNeedAHolder(policy: Policy): Set<string> {
  return new Set([...rolesPolicyReliesOn(policy).keys(), ADMIN_ROLE]);
}
