import type { Policy } from "./policy.js";
import { addPerson, type DirectoryChange, isLastHolder, type NewPerson, type PeopleEvent, withPerson } from "./role-changes.js";
import type { Directory, RoleGroup } from "./school-directory.js";

/** Binds a role to a platform group (again: the handle may have changed); members are followed from then on. */
export function bindGroup(directory: Directory, group: RoleGroup): Directory {
  const others = directory.groups.filter((g) => !(g.role === group.role && g.slack === group.slack));
  return { ...directory, groups: [...others, group] };
}

/**
 * The role follows the group: its members hold it, and people who left the group lose it, unless
 * they are the last holder of a role the school relies on (they keep it, and the DSL is told).
 * Members the directory does not know yet are added, with the profile the platform gave.
 */
export function followGroup(
  directory: Directory,
  policy: Policy,
  group: RoleGroup,
  memberIds: readonly string[],
  newcomers: readonly NewPerson[],
): DirectoryChange {
  const members = new Set(memberIds);
  const events: PeopleEvent[] = [];
  let next = directory;
  for (const newcomer of newcomers) {
    if (!members.has(newcomer.userId) || next.staff.some((p) => p.slack === newcomer.userId)) continue;
    const added = addPerson(next, newcomer, ["staff", group.role], "group");
    next = added.directory;
    events.push(...added.events);
  }
  for (const person of next.staff) {
    const member = !!person.slack && members.has(person.slack);
    const holds = person.roles.includes(group.role);
    if (member && !holds) {
      next = withPerson(next, { ...person, roles: [...person.roles, group.role] });
      events.push({ type: "role_granted", staffId: person.id, name: person.name, role: group.role, via: "group" });
    }
  }
  // Removals after additions: someone joining the group and the old holder leaving is a hand-over.
  for (const person of next.staff) {
    const member = !!person.slack && members.has(person.slack);
    if (member || !person.roles.includes(group.role)) continue;
    if (isLastHolder(next, policy, person, group.role)) {
      events.push({ type: "role_kept", staffId: person.id, name: person.name, role: group.role, via: "group" });
      continue;
    }
    next = withPerson(next, { ...person, roles: person.roles.filter((r) => r !== group.role) });
    events.push({ type: "role_revoked", staffId: person.id, name: person.name, role: group.role, via: "group" });
  }
  return { directory: next, events };
}
