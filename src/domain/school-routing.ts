import type { Directory, Platform } from "./school-directory.js";

/** What tells one school's requests from another's on a platform: its channels, people and workspaces. */
export interface SchoolPlaces {
  id: string;
  directory: Directory;
  /** Channels bound in chat (`homevisit setup approvals`…), by platform. */
  boundChannels: { platform: Platform; channel: string }[];
  /** Slack team ids and Teams team ids the school is installed in. */
  workspaces: { platform: Platform; workspace: string }[];
}

/** Where a request came from, as far as the platform says. */
export interface Inbound {
  platform: Platform;
  workspace?: string;
  channel?: string;
  user?: string;
  /** Something typed to the bot (a reply word, the code word), not a command, a button or a form. */
  message?: boolean;
}

/**
 * Which school a request is for. A channel belongs to one school, so it decides first; then the
 * person (someone is normally in one school); then the workspace, when it holds one school only.
 * The fallback (this process's own school) keeps a single-school deployment exactly as it was.
 * Someone in two schools who writes outside a channel of either is answered for this process's
 * school if they are in it, else for the first by id; in a school's channel they are always its.
 */
export function pickSchool(schools: readonly SchoolPlaces[], inbound: Inbound, fallback: string): string {
  const { inWorkspace, pool } = poolOf(schools, inbound);
  const byChannel = inbound.channel ? pool.filter((s) => hasChannel(s, inbound.platform, inbound.channel as string)) : [];
  if (byChannel.length === 1) return (byChannel[0] as SchoolPlaces).id;
  const byUser = inbound.user ? pool.filter((s) => hasUser(s, inbound.platform, inbound.user as string)) : [];
  if (byUser.length === 1) return (byUser[0] as SchoolPlaces).id;
  if (byUser.length > 1 && byUser.some((s) => s.id === fallback)) return fallback;
  if (byUser.length > 1) return (byUser[0] as SchoolPlaces).id;
  if (inWorkspace.length === 1) return (inWorkspace[0] as SchoolPlaces).id;
  return fallback;
}

/**
 * The schools a request could be for when it was not written in any school's channel and its sender is in more than one
 * (a trust's attendance officer), for a message only: the caller looks for the one where they are
 * out on a visit, so a check-in or the code word by DM reaches it. A command, button or form is not
 * guessed from where someone is.
 */
export function schoolsOfSender(schools: readonly SchoolPlaces[], inbound: Inbound): string[] {
  const { pool } = poolOf(schools, inbound);
  // A school's channel (even one two schools' files both name) is never second-guessed.
  const claimed = !!inbound.channel && pool.some((s) => hasChannel(s, inbound.platform, inbound.channel as string));
  if (claimed || !inbound.user || !inbound.message) return [];
  const byUser = pool.filter((s) => hasUser(s, inbound.platform, inbound.user as string));
  return byUser.length > 1 ? byUser.map((s) => s.id) : [];
}

function poolOf(schools: readonly SchoolPlaces[], inbound: Inbound) {
  const inWorkspace = inbound.workspace
    ? schools.filter((s) => s.workspaces.some((w) => w.platform === inbound.platform && w.workspace === inbound.workspace))
    : [];
  return { inWorkspace, pool: inWorkspace.length > 0 ? inWorkspace : schools };
}

export function hasChannel(school: SchoolPlaces, platform: Platform, channel: string): boolean {
  const base = channel.split(";")[0];
  if (school.boundChannels.some((b) => b.platform === platform && b.channel.split(";")[0] === base)) return true;
  return Object.values(school.directory.channels).some((c) => c[platform as "slack" | "teams"] === base);
}

function hasUser(school: SchoolPlaces, platform: Platform, user: string): boolean {
  if (platform === "console") return school.directory.staff.some((p) => p.id === user);
  return school.directory.staff.some((p) => p[platform] === user);
}
