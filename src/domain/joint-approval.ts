import { fail, ok, type Result } from "./domain-error.js";
import type { Policy } from "./policy.js";
import { describeRoles } from "./roles.js";
import { hasAnyRole, type StaffMember } from "./school-directory.js";
import type { Conditions, SignOff, Visit } from "./visit.js";

/** The sign-offs a visit's purpose needs, each a list of roles any one of which gives it; [] when one approval is enough. */
export function signOffParts(visit: Visit, policy: Policy): string[][] {
  return policy.purposes.find((p) => p.id === visit.request.purposeId)?.jointApproval ?? [];
}

/** The parts nobody has signed off yet. */
export function missingParts(visit: Visit, policy: Policy): number[] {
  const given = new Set((visit.progress.signOffs ?? []).map((s) => s.part));
  return signOffParts(visit, policy)
    .map((_, part) => part)
    .filter((part) => !given.has(part));
}

/** "the headteacher and the DSL or deputy DSL", for what is still needed. */
export function describeParts(parts: readonly number[], visit: Visit, policy: Policy): string {
  const all = signOffParts(visit, policy);
  const words = parts.map((part) => describeRoles(all[part] ?? []));
  return words.length <= 1 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}

/**
 * One approver's sign-off on a joint approval: they give the first missing part their roles
 * allow, never a second part (two sign-offs are two people). Returns the sign-offs so far.
 */
export function signOff(
  visit: Visit,
  approver: StaffMember,
  policy: Policy,
  now: Date,
  conditions?: Conditions,
): Result<SignOff[]> {
  const given = visit.progress.signOffs ?? [];
  const missing = missingParts(visit, policy);
  if (given.some((s) => s.staffId === approver.id))
    return fail(
      "already-signed-off",
      `You have already approved this visit. It still needs ${describeParts(missing, visit, policy)}.`,
    );
  const parts = signOffParts(visit, policy);
  const part = missing.find((index) => hasAnyRole(approver, parts[index] ?? []));
  if (part === undefined)
    return fail(
      "not-an-approver",
      `This visit still needs ${describeParts(missing, visit, policy)} to approve it: you cannot approve in their place.`,
      { roles: missing.flatMap((index) => parts[index] ?? []) },
    );
  return ok([
    ...given,
    { staffId: approver.id, name: approver.name, at: now.toISOString(), part, ...(conditions ? { conditions } : {}) },
  ]);
}

/** Every sign-off's conditions as one: any of them asking for a pair or the police, every note. */
export function mergedConditions(signOffs: readonly SignOff[]): Conditions | undefined {
  const all = signOffs.flatMap((s) => (s.conditions ? [s.conditions] : []));
  if (all.length === 0) return undefined;
  const notes = all.map((c) => c.note?.trim()).filter(Boolean);
  return {
    ...(all.some((c) => c.requirePair) ? { requirePair: true } : {}),
    ...(all.some((c) => c.policeAccompaniment) ? { policeAccompaniment: true } : {}),
    ...(notes.length ? { note: notes.join("; ") } : {}),
  };
}
