import { DomainError } from "../../domain/domain-error.js";
import { ADMIN_ROLE } from "../../domain/roles.js";
import { findStaffByPlatformId, type Platform, staffWithRole } from "../../domain/school-directory.js";
import type { Actor } from "../../domain/visit.js";
import type { AppContext } from "../ports.js";

/** Who is acting, as the school knows them; someone not in the directory can do nothing. */
export function identify(ctx: AppContext, platform: Platform, platformUserId: string | undefined): Actor | DomainError {
  const person = platformUserId ? findStaffByPlatformId(ctx.directory, platform, platformUserId) : undefined;
  if (!person)
    return new DomainError("unknown-staff", "You are not in this school's homevisit staff directory.", {
      admins: staffWithRole(ctx.directory, ADMIN_ROLE).map((p) => p.name),
    });
  return { staffId: person.id, name: person.name, platform };
}
