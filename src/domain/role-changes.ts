import { fail, ok, type Result } from "./domain-error.js";
import type { Policy } from "./policy.js";
import { grantableRoles, rolesPolicyReliesOn, rolesThatNeedAHolder } from "./policy-roles.js";
import { describeRoles } from "./roles.js";
import { type Directory, findStaff, type StaffJoin, type StaffMember, staffWithRole } from "./school-directory.js";

/** Who changed the directory: an admin in chat, someone joining by using the bot, a platform group. */
export type ChangeSource = "admin" | "joined" | "group";

export type PeopleEvent =
  | { type: "person_added"; staffId: string; name: string; platform: "slack" | "teams"; via: ChangeSource }
  | { type: "role_granted"; staffId: string; name: string; role: string; via: ChangeSource }
  | { type: "role_revoked"; staffId: string; name: string; role: string; via: ChangeSource }
  /** A group change would have left a role the school relies on with nobody: they keep it. */
  | { type: "role_kept"; staffId: string; name: string; role: string; via: ChangeSource }
  | { type: "staff_join_set"; mode: StaffJoin; via: ChangeSource }
  | { type: "group_bound"; role: string; group: string; via: ChangeSource };

/** The directory after a change, and what changed (empty when nothing needed to). */
export interface DirectoryChange {
  directory: Directory;
  events: PeopleEvent[];
}

/** Someone a platform told us about, not yet in the directory. */
export interface NewPerson {
  platform: "slack" | "teams";
  /** Slack user id, or Teams aadObjectId: what the directory keeps. */
  userId: string;
  name: string;
  email?: string;
}

/** Gives `role` to a person; a role they already hold changes nothing (no events). */
export function grantRole(directory: Directory, policy: Policy, staffId: string, role: string, via: ChangeSource = "admin") {
  const valid = checkRole(policy, role);
  if (!valid.ok) return valid;
  const person = findStaff(directory, staffId);
  if (!person) return fail<DirectoryChange>("unknown-staff", `Nobody with the id ${staffId} is in the staff directory.`);
  if (person.roles.includes(role)) return ok<DirectoryChange>({ directory, events: [] });
  return ok<DirectoryChange>({
    directory: withPerson(directory, { ...person, roles: [...person.roles, role] }),
    events: [{ type: "role_granted", staffId, name: person.name, role, via }],
  });
}

/**
 * Takes `role` from a person. Refused when they are its last holder and the school relies on it
 * (the DSL the ladder calls, the only admin); a role they do not hold changes nothing.
 */
export function revokeRole(directory: Directory, policy: Policy, staffId: string, role: string, via: ChangeSource = "admin") {
  const valid = checkRole(policy, role);
  if (!valid.ok) return valid;
  const person = findStaff(directory, staffId);
  if (!person) return fail<DirectoryChange>("unknown-staff", `Nobody with the id ${staffId} is in the staff directory.`);
  if (!person.roles.includes(role)) return ok<DirectoryChange>({ directory, events: [] });
  if (isLastHolder(directory, policy, person, role))
    return fail<DirectoryChange>(
      "last-holder",
      `${person.name} is the only person with the role ${role} (${describeRoles([role])}), which ${neededBy(policy, role)}: give it to someone else first.`,
      { role, staffId },
    );
  return ok<DirectoryChange>({
    directory: withPerson(directory, { ...person, roles: person.roles.filter((r) => r !== role) }),
    events: [{ type: "role_revoked", staffId, name: person.name, role, via }],
  });
}

/** Adds someone the platform knows, with these roles, under an id made from their name. */
export function addPerson(
  directory: Directory,
  person: NewPerson,
  roles: readonly string[],
  via: ChangeSource,
): DirectoryChange & { person: StaffMember } {
  const added: StaffMember = {
    id: freeId(directory, person),
    name: person.name.slice(0, 80) || person.userId,
    roles: [...roles],
    [person.platform]: person.userId,
    ...(person.email ? { email: person.email } : {}),
  };
  const events: PeopleEvent[] = [{ type: "person_added", staffId: added.id, name: added.name, platform: person.platform, via }];
  for (const role of roles)
    if (role !== "staff") events.push({ type: "role_granted", staffId: added.id, name: added.name, role, via });
  return { directory: { ...directory, staff: [...directory.staff, added] }, person: added, events };
}

/** Who may join: only the people listed, or anyone in the workspace who uses homevisit (as staff). */
export function setStaffJoin(directory: Directory, mode: StaffJoin): DirectoryChange {
  if (directory.staffJoin === mode) return { directory, events: [] };
  return { directory: { ...directory, staffJoin: mode }, events: [{ type: "staff_join_set", mode, via: "admin" }] };
}

/** Refuses a role nobody uses, naming the ones there are (a typo such as "deputy-dsl"). */
export function checkRole(policy: Policy, role: string): Result<string> {
  const roles = grantableRoles(policy);
  if (roles.includes(role)) return ok(role);
  return fail("unknown-role", `There is no role "${role.slice(0, 40)}". The roles are: ${roles.join(", ")}.`, { roles });
}

export function isLastHolder(directory: Directory, policy: Policy, person: StaffMember, role: string): boolean {
  if (!rolesThatNeedAHolder(policy).has(role)) return false;
  return staffWithRole(directory, role).every((holder) => holder.id === person.id);
}

function neededBy(policy: Policy, role: string): string {
  const key = rolesPolicyReliesOn(policy).get(role);
  return key ? `the policy names in ${key}` : "homevisit needs (someone must be able to change roles)";
}

export function withPerson(directory: Directory, person: StaffMember): Directory {
  return { ...directory, staff: directory.staff.map((p) => (p.id === person.id ? person : p)) };
}

/** "Ben Hughes" → "b.hughes", as the school files spell ids; "b.hughes-2" when that is taken. */
function freeId(directory: Directory, person: NewPerson): string {
  const words = person.name
    .normalize("NFKD")
    .replace(/[^\p{L}\p{N}\s.-]/gu, "")
    .toLowerCase()
    .split(/\s+/)
    .map((word) => word.replace(/[^a-z0-9]/g, ""))
    .filter(Boolean);
  const first = words[0] ?? "";
  const last = words[words.length - 1] ?? "";
  const fromName = words.length > 1 ? `${first[0]}.${last}` : first;
  const base = fromName || person.userId.toLowerCase().replace(/[^a-z0-9._-]/g, "") || "person";
  const taken = new Set(directory.staff.map((p) => p.id));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}
