import { fail, ok } from "../../domain/domain-error.js";
import {
  addPerson,
  type DirectoryChange,
  grantRole,
  type NewPerson,
  revokeRole,
  setStaffJoin,
} from "../../domain/role-changes.js";
import { type Directory, findStaff, findStaffByPlatformId, staffJoinModes } from "../../domain/school-directory.js";
import type { Actor } from "../../domain/visit.js";
import { adminHelp, notAnAdmin, rolesList } from "../messages/people-messages.js";
import type { Mention } from "../people-port.js";
import type { AppContext } from "../ports.js";
import { type AdminOptions, answer, asAdmin, byActor, isAdmin } from "./admin-checks.js";
import { changePeople } from "./change-people.js";
import { bindRoleToGroup, syncGroupsNow } from "./follow-groups.js";

/** The person a grant or revoke is about: someone in the directory, or someone the platform knows. */
type Target = { staffId: string } | { newcomer: NewPerson };

/**
 * `homevisit admin …`: admins list people and roles, grant and revoke roles (adding someone the
 * platform knows), choose who may join, and bind a role to a platform group. Every change is
 * audited and shown to the DSL (changePeople).
 */
export async function manageRoles(ctx: AppContext, actor: Actor, words: readonly string[], options: AdminOptions = {}) {
  const [sub = "", ...rest] = words;
  if (!isAdmin(ctx.directory, actor.staffId)) return notAnAdmin(ctx.directory);
  switch (sub.toLowerCase()) {
    case "roles":
    case "people":
      return rolesList(ctx.directory);
    case "grant":
    case "revoke":
      return changeRole(ctx, actor, sub.toLowerCase() as "grant" | "revoke", rest, options);
    case "join": {
      const mode = staffJoinModes.find((m) => m === (rest[0] ?? "").toLowerCase().replace("-", "_"));
      if (!mode) return "Say who may use homevisit: homevisit admin join any_member (anyone in the workspace) or listed.";
      return answer(await changePeople(ctx, byActor(actor), (d) => asAdmin(d, actor, () => ok(setStaffJoin(d, mode)))));
    }
    case "bind":
      return bindRoleToGroup(ctx, actor, rest, options);
    case "sync":
      return syncGroupsNow(ctx, options);
    default:
      return adminHelp(actor.platform).join("\n");
  }
}

async function changeRole(
  ctx: AppContext,
  actor: Actor,
  verb: "grant" | "revoke",
  rest: readonly string[],
  options: AdminOptions,
): Promise<string> {
  const usage = `Say who and which role: homevisit admin ${verb} @person deputy_dsl.`;
  const mention = options.mentions?.[0];
  const typedWords = rest.filter((word) => !word.startsWith("@"));
  const staffWord = mention ? undefined : typedWords.find((word) => findStaff(ctx.directory, word.toLowerCase()));
  // The role comes last, as in "grant @Ben deputy_dsl" and "grant e.walsh deputy_dsl".
  const role = typedWords
    .filter((word) => word !== staffWord)
    .pop()
    ?.toLowerCase();
  if (!role) return usage;
  let target: Target | null = staffWord ? { staffId: staffWord.toLowerCase() } : null;
  if (mention) target = await mentionedTarget(ctx, actor, mention, verb);
  if (!target) {
    const typed = mention?.name ?? typedWords.find((word) => word.toLowerCase() !== role);
    return typed
      ? `I don't know who "${typed.slice(0, 40)}" is. Mention them (@name), or use their id from homevisit admin roles.`
      : usage;
  }
  const chosen = target;
  const change = verb === "grant" ? grantRole : revokeRole;
  const result = await changePeople(ctx, byActor(actor), (directory) =>
    asAdmin(directory, actor, () => {
      const known = resolve(directory, chosen);
      if (known) return change(directory, ctx.policy, known, role);
      if (!("newcomer" in chosen)) return fail("unknown-staff", "That person is not in the staff directory.");
      // Someone the platform knows and the directory does not: added, then given the role.
      const added = addPerson(directory, chosen.newcomer, ["staff"], "admin");
      const granted = grantRole(added.directory, ctx.policy, added.person.id, role);
      if (!granted.ok) return granted;
      return ok<DirectoryChange>({ directory: granted.value.directory, events: [...added.events, ...granted.value.events] });
    }),
  );
  if (result.ok && result.value.length === 0) {
    const person = resolve(ctx.directory, chosen);
    const name = (person && findStaff(ctx.directory, person)?.name) ?? "They";
    return verb === "grant"
      ? `${name} already has the role ${role}: nothing changed.`
      : `${name} does not have the role ${role}: nothing changed.`;
  }
  return answer(result);
}

/** The staff id behind a target in this directory, or null for someone not in it yet. */
function resolve(directory: Directory, target: Target): string | null {
  if ("staffId" in target) return findStaff(directory, target.staffId)?.id ?? null;
  return findStaffByPlatformId(directory, target.newcomer.platform, target.newcomer.userId)?.id ?? null;
}

async function mentionedTarget(
  ctx: AppContext,
  actor: Actor,
  mention: Mention,
  verb: "grant" | "revoke",
): Promise<Target | null> {
  const known = mention.userId ? findStaffByPlatformId(ctx.directory, actor.platform, mention.userId) : undefined;
  if (known) return { staffId: known.id };
  // Only a grant adds someone; taking a role from someone homevisit does not know changes nothing.
  if (verb === "revoke") return null;
  const newcomer = await mention.profile().catch((error: unknown) => {
    ctx.log.warn("could not read a mentioned person's profile", { error: String(error) });
    return null;
  });
  if (!newcomer) return null;
  const already = findStaffByPlatformId(ctx.directory, newcomer.platform, newcomer.userId);
  return already ? { staffId: already.id } : { newcomer };
}
