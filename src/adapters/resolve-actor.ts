import { DomainError } from "../domain/domain-error.js";
import { type Directory, findStaffByPlatformId, type Platform } from "../domain/school-directory.js";
import type { Actor } from "../domain/visit.js";

/** Who is acting, as the school knows them; someone not in the directory can do nothing. */
export function resolveActor(directory: Directory, platform: Platform, platformUserId: string): Actor {
  const person = findStaffByPlatformId(directory, platform, platformUserId);
  if (!person) throw new DomainError("unknown-staff", "You are not in this school's homevisit staff directory.");
  return { staffId: person.id, name: person.name, platform };
}
