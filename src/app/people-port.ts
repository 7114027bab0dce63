import type { NewPerson } from "../domain/role-changes.js";

/**
 * What a chat platform can tell the app about its people, asked only when needed: a profile for
 * someone not in the directory yet (Slack users.info), a user group's members. Adapters implement
 * it with platform calls; the rules about who gains what stay in the app.
 */
export interface PlatformPeople {
  /** The person behind a platform user id as the directory keeps it (Slack U…, Teams aadObjectId). */
  profile(userId: string): Promise<NewPerson | null>;
  /** The user ids of a platform group's members (Slack usergroups.users.list). */
  groupMembers?(groupId: string): Promise<string[]>;
  /** A group by its handle ("dsl-team"), for `admin bind dsl @dsl-team` typed without an escaped mention. */
  findGroup?(handle: string): Promise<{ id: string; handle: string } | null>;
}

/** Someone @mentioned in a command, as the platform gave them. */
export interface Mention {
  /** Their id as the directory keeps it, when the mention carries it (Slack; Teams with aadObjectId). */
  userId?: string;
  name?: string;
  /** Their profile, fetched only for someone the directory does not know. */
  profile(): Promise<NewPerson | null>;
}

/** A platform group mentioned in a command (Slack `<!subteam^S0123|@dsl-team>`). */
export interface GroupMention {
  id?: string;
  handle: string;
}
