import { ok } from "../../domain/domain-error.js";
import { bindGroup, followGroup } from "../../domain/group-roles.js";
import type { NewPerson } from "../../domain/role-changes.js";
import { checkRole } from "../../domain/role-changes.js";
import type { Directory, RoleGroup } from "../../domain/school-directory.js";
import type { Actor } from "../../domain/visit.js";
import { errorText } from "../messages/error-text.js";
import type { PlatformPeople } from "../people-port.js";
import type { AppContext } from "../ports.js";
import { type AdminOptions, answer, asAdmin, byActor } from "./admin-checks.js";
import { type ChangedBy, changePeople } from "./change-people.js";

/** What the platform says a group holds now: its members, and profiles of the ones homevisit does not know. */
async function readGroup(
  directory: Directory,
  group: RoleGroup,
  people: PlatformPeople,
): Promise<{ members: string[]; newcomers: NewPerson[] } | null> {
  if (!people.groupMembers) return null;
  const members = await people.groupMembers(group.slack);
  const unknown = members.filter((id) => !directory.staff.some((p) => p.slack === id));
  const newcomers = (await Promise.all(unknown.map((id) => people.profile(id).catch(() => null)))).filter(
    (p): p is NewPerson => !!p,
  );
  return { members, newcomers };
}

/** `homevisit admin bind dsl @dsl-team`: the role follows the group from now on, starting with its members today. */
export async function bindRoleToGroup(ctx: AppContext, actor: Actor, rest: readonly string[], options: AdminOptions) {
  const usage = "Say which role and which Slack user group: homevisit admin bind dsl @dsl-team.";
  if (actor.platform !== "slack" || !options.people?.groupMembers)
    return "Roles can follow a Slack user group: type this in Slack.";
  const role = rest.find((word) => !word.startsWith("@") && !word.startsWith("<"))?.toLowerCase();
  if (!role) return usage;
  const valid = checkRole(ctx.policy, role);
  if (!valid.ok) return errorText(valid.error);
  const handleWord = rest.find((word) => word.startsWith("@"))?.slice(1);
  const mentioned = options.groups?.[0];
  const found = mentioned?.id
    ? { id: mentioned.id, handle: mentioned.handle }
    : await options.people.findGroup?.(mentioned?.handle ?? handleWord ?? "");
  if (!found) return handleWord || mentioned ? `I can't find the Slack user group @${mentioned?.handle ?? handleWord}.` : usage;
  const group: RoleGroup = { role, slack: found.id, handle: found.handle };
  const read = await readGroup(ctx.directory, group, options.people);
  if (!read) return usage;
  const result = await changePeople(ctx, byActor(actor), (directory) =>
    asAdmin(directory, actor, () => {
      const followed = followGroup(bindGroup(directory, group), ctx.policy, group, read.members, read.newcomers);
      const bound = directory.groups.some((g) => g.role === role && g.slack === group.slack && g.handle === group.handle);
      const events = bound
        ? followed.events
        : [{ type: "group_bound" as const, role, group: `@${group.handle}`, via: "admin" as const }, ...followed.events];
      return ok({ directory: followed.directory, events });
    }),
  );
  return answer(result);
}

const GROUP_SYNC: ChangedBy = { actorId: "system", actor: "Slack user group", platform: "system" };

/**
 * Reads every bound group's members again and follows them: people who joined get the role, people
 * who left lose it (audited, DSL told). A role kept because nobody else would hold it is logged
 * each time and told to the DSL only with other changes, so nobody is told the same thing every run.
 */
export async function refreshGroups(ctx: AppContext, people: PlatformPeople): Promise<number> {
  let changed = 0;
  for (const group of ctx.directory.groups) {
    const read = await readGroup(ctx.directory, group, people).catch((error: unknown) => {
      ctx.log.warn("could not read a user group's members", { group: group.slack, error: String(error) });
      return null;
    });
    if (!read) continue;
    const result = await changePeople(ctx, GROUP_SYNC, (directory) => {
      const still = directory.groups.some((g) => g.role === group.role && g.slack === group.slack);
      if (!still) return ok({ directory, events: [] });
      const followed = followGroup(directory, ctx.policy, group, read.members, read.newcomers);
      const real = followed.events.filter((e) => e.type !== "role_kept");
      return ok({ directory: followed.directory, events: real.length > 0 ? followed.events : [] });
    });
    if (result.ok) changed += result.value.length;
  }
  return changed;
}

/** `homevisit admin sync`: the bound groups are read now rather than at the next refresh. */
export async function syncGroupsNow(ctx: AppContext, options: AdminOptions): Promise<string> {
  if (ctx.directory.groups.length === 0) return "No role follows a group yet: homevisit admin bind dsl @dsl-team.";
  if (!options.people?.groupMembers) return "Groups are Slack user groups: type this in Slack.";
  const changes = await refreshGroups(ctx, options.people);
  return changes === 0
    ? "The groups and the roles agree: nothing changed."
    : `Done: ${changes} change${changes === 1 ? "" : "s"}, and the DSL has been told.`;
}
