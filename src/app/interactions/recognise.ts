import { DomainError, ok } from "../../domain/domain-error.js";
import { addPerson } from "../../domain/role-changes.js";
import { findStaffByPlatformId, type Platform } from "../../domain/school-directory.js";
import type { Actor } from "../../domain/visit.js";
import type { PlatformPeople } from "../people-port.js";
import type { AppContext } from "../ports.js";
import { changePeople } from "../use-cases/change-people.js";
import { identify } from "./identify.js";

/**
 * Who is acting, as identify says; and when the school lets any member of its workspace in
 * (`staffJoin: any_member`), someone the directory does not know yet joins it as `staff`, with
 * the name (and email) their platform gives (audited, the DSL told). With `listed`, they are told
 * whom to ask.
 */
export async function recognise(
  ctx: AppContext,
  platform: Platform,
  platformUserId: string | undefined,
  people: PlatformPeople | undefined,
): Promise<Actor | DomainError> {
  const known = identify(ctx, platform, platformUserId);
  if (!(known instanceof DomainError) || !platformUserId || !people || platform === "console") return known;
  if (ctx.directory.staffJoin !== "any_member") return known;
  const profile = await people.profile(platformUserId).catch((error: unknown) => {
    ctx.log.warn("could not read the profile of someone new", { platform, error: String(error) });
    return null;
  });
  if (!profile || profile.userId !== platformUserId) return known;
  const joined = await changePeople(
    ctx,
    { actorId: `${platform}:${platformUserId}`, actor: profile.name, platform },
    (directory) => {
      // Another instance may have added them, or an admin closed the door, a moment ago.
      if (directory.staffJoin !== "any_member" || findStaffByPlatformId(directory, platform, platformUserId))
        return ok({ directory, events: [] });
      return ok(addPerson(directory, profile, ["staff"], "joined"));
    },
  );
  if (!joined.ok) return joined.error;
  return identify(ctx, platform, platformUserId);
}
