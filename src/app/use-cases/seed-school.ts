import { createHash } from "node:crypto";
import type { Policy } from "../../domain/policy.js";
import type { Directory } from "../../domain/school-directory.js";
import type { Logger, Store } from "../ports.js";

const checksumOf = (directory: Directory) => createHash("sha256").update(JSON.stringify(directory)).digest("hex");

/**
 * POLICY_FILE and SCHOOL_FILE describe the school this process serves: they add it to the
 * database, or update it (a changed policy is a new version; running visits keep theirs).
 * The people are the file's only when the file changed since it last seeded the school: otherwise
 * the roles admins changed in chat, and the people who joined, are kept across restarts.
 * What the database then holds is what the app runs on.
 */
export async function seedSchool(
  store: Store,
  files: { policy: Policy; directory: Directory },
  log: Logger,
): Promise<{ policy: Policy; directory: Directory }> {
  const seed = checksumOf(files.directory);
  const existing = await store.schools.get(store.school);
  const keepPeople = !!existing && existing.directorySeed === seed;
  if (existing && !keepPeople && existing.directorySeed)
    log.warn(`school ${store.school}: SCHOOL_FILE changed, so its people and roles replace the ones changed in chat`);
  const { policyChanged } = await store.schools.save({
    id: store.school,
    name: files.policy.school.name,
    timezone: files.policy.school.timezone,
    policy: files.policy,
    directory: keepPeople && existing ? existing.directory : files.directory,
    directorySeed: seed,
  });
  if (policyChanged) log.info(`school ${store.school}: policy version ${files.policy.version} is now in force`);
  const school = await store.schools.get(store.school);
  return school ? { policy: school.policy, directory: school.directory } : files;
}
