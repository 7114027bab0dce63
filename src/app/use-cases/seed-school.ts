import { createHash } from "node:crypto";
import type { Policy } from "../../domain/policy.js";
import type { Directory } from "../../domain/school-directory.js";
import type { Logger, Store } from "../ports.js";

/**
 * POLICY_FILE and SCHOOL_FILE describe the school this process serves: they add it to the
 * database, or update it (a changed policy is a new version; running visits keep theirs; an
 * unchanged SCHOOL_FILE leaves the roles granted in chat alone).
 * What the database then holds is what the app runs on.
 */
export async function seedSchool(
  store: Store,
  files: { policy: Policy; directory: Directory },
  log: Logger,
): Promise<{ policy: Policy; directory: Directory }> {
  const { policyChanged } = await store.schools.save(
    {
      id: store.school,
      name: files.policy.school.name,
      timezone: files.policy.school.timezone,
      policy: files.policy,
      directory: files.directory,
    },
    { seededFrom: createHash("sha256").update(JSON.stringify(files.directory)).digest("hex") },
  );
  if (policyChanged) log.info(`school ${store.school}: policy version ${files.policy.version} is now in force`);
  const school = await store.schools.get(store.school);
  return school ? { policy: school.policy, directory: school.directory } : files;
}
