import { fail, type Result } from "../../domain/domain-error.js";
import type { DirectoryChange, PeopleEvent } from "../../domain/role-changes.js";
import { ADMIN_ROLE } from "../../domain/roles.js";
import { type Directory, findStaff, hasAnyRole } from "../../domain/school-directory.js";
import type { Actor } from "../../domain/visit.js";
import { errorText } from "../messages/error-text.js";
import { changeAnswer, notAnAdmin } from "../messages/people-messages.js";
import type { GroupMention, Mention, PlatformPeople } from "../people-port.js";

export interface AdminOptions {
  /** People @mentioned in the command, in order. */
  mentions?: readonly Mention[];
  /** Platform groups mentioned (Slack user groups). */
  groups?: readonly GroupMention[];
  people?: PlatformPeople;
}

export const isAdmin = (directory: Directory, staffId: string) => hasAnyRole(findStaff(directory, staffId), [ADMIN_ROLE]);

/** Decides only for an admin, as the stored directory has it (an admin removed elsewhere a moment ago is not one). */
export function asAdmin(directory: Directory, actor: Actor, decide: () => Result<DirectoryChange>): Result<DirectoryChange> {
  if (!isAdmin(directory, actor.staffId)) return fail("not-allowed", notAnAdmin(directory));
  return decide();
}

export const byActor = (actor: Actor) => ({ actorId: actor.staffId, actor: actor.name, platform: actor.platform });

export function answer(result: Result<readonly PeopleEvent[]>): string {
  return result.ok ? changeAnswer(result.value) : errorText(result.error);
}
