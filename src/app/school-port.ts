import type { PolicyVersion, School } from "../domain/school.js";
import type { Directory, Platform } from "../domain/school-directory.js";
import type { SchoolPlaces } from "../domain/school-routing.js";

/** The schools homevisit serves, as the database holds them. */
export interface SchoolStore {
  list(): Promise<School[]>;
  get(id: string): Promise<School | null>;
  /** Adds the school or updates it; a policy that differs from the newest is kept as a new version. */
  save(school: School): Promise<{ policyChanged: boolean }>;
  /**
   * Changes a school's people under a lock on its row, so two instances adding a role each at the
   * same moment both keep theirs. `change` sees the directory as stored and returns the new one,
   * or null to leave it; whatever else it returns comes back with the directory saved.
   */
  changeDirectory<T>(id: string, change: (directory: Directory) => { directory: Directory | null; result: T }): Promise<T>;
  /** Every version of the school's policy, oldest first. */
  history(id: string): Promise<PolicyVersion[]>;
  /** Each school's channels, people and workspaces, to route a request to its school. */
  places(): Promise<SchoolPlaces[]>;
  /** The school is installed in this Slack workspace or Teams team (kept; adding it twice is one row). */
  bindWorkspace(schoolId: string, platform: Platform, workspace: string): Promise<void>;
  /** The Slack workspaces or Teams teams a school is installed in. */
  workspacesOf(schoolId: string, platform: Platform): Promise<string[]>;
  /**
   * When each school's earliest pending timer is due (a school with none is left out), in one
   * query: the tick looks only at schools with something due, and wakes when the next falls due.
   */
  nextTimers(): Promise<{ schoolId: string; dueAt: Date }[]>;
}
