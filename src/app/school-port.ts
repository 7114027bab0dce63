import type { PolicyVersion, School } from "../domain/school.js";

/** The schools homevisit serves, as the database holds them. */
export interface SchoolStore {
  list(): Promise<School[]>;
  get(id: string): Promise<School | null>;
  /** Adds the school or updates it; a policy that differs from the newest is kept as a new version. */
  save(school: School): Promise<{ policyChanged: boolean }>;
  /** Every version of the school's policy, oldest first. */
  history(id: string): Promise<PolicyVersion[]>;
}
