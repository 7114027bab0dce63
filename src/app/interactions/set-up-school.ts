import { type School, schoolIdFor } from "../../domain/school.js";
import { directorySchema, type Platform, staffWithRole } from "../../domain/school-directory.js";
import { hasChannel, type SchoolPlaces } from "../../domain/school-routing.js";
import type { AppContext } from "../ports.js";

/** `homevisit setup school <name>`: typed before anyone is in a school, so it is read before identify. */
export const SCHOOL_SETUP = /^set-?up\s+school\b\s*(.*)$/i;

/** The person typing, as their platform names them (they may be in no school yet). */
export interface Founder {
  platform: Exclude<Platform, "console">;
  userId: string;
  name: string;
  email?: string;
}

/** Roles that may link a workspace to their school. */
const LINKERS = ["admin", "dsl", "headteacher"];

/**
 * Which school a Slack workspace or a Teams team is for. An existing school's name links it (its
 * admin, DSL or headteacher only); a new name creates the school with the person typing as its
 * admin, on the deployment's policy, which its leads can then change. A workspace that already has
 * schools gets a new one only from the admin, DSL or headteacher of one of them.
 */
export async function setUpSchool(
  home: AppContext,
  founder: Founder,
  where: { workspace?: string; channel?: string },
  asked: string,
): Promise<string> {
  const { workspace, channel } = where;
  const schools = home.schools;
  const place = founder.platform === "teams" ? "team" : "workspace";
  const name = asked
    .trim()
    .replace(/^["“']|["”']$/g, "")
    .trim()
    .slice(0, 80);
  if (!schools || !workspace) return `Type this in a channel of the ${place} the school uses.`;
  if (!name) return "Which school? Type homevisit setup school followed by its name, e.g. homevisit setup school Oak Primary.";
  const all = await home.store.schools.list();
  const existing = all.find((s) => s.name.toLowerCase() === name.toLowerCase() || s.id === name.toLowerCase());
  const places = await home.store.schools.places();
  const here = places.filter((p) => p.workspaces.some((w) => w.platform === founder.platform && w.workspace === workspace));
  const holds = (school: School, roles: string[]) =>
    roles.some((role) => staffWithRole(school.directory, role).some((p) => p[founder.platform] === founder.userId));
  if (existing) {
    if (!holds(existing, LINKERS))
      return `Only an admin, the DSL or the headteacher of ${existing.name} can link it to this ${place}.`;
    await home.store.schools.bindWorkspace(existing.id, founder.platform, workspace);
    await claimChannel(home, places, existing.id, founder.platform, channel);
    await schools.changed();
    await audit(home, existing.id, founder, "school_linked", { workspace });
    return `Done: this ${place} is now ${existing.name}'s. In each channel homevisit should use, type homevisit setup approvals, visits, alerts or records.`;
  }
  if (here.length > 0 && !all.some((s) => here.some((p) => p.id === s.id) && holds(s, LINKERS)))
    return `This ${place} already has a school on homevisit: ask its admin, DSL or headteacher to add the new school.`;
  const id = schoolIdFor(name, new Set(all.map((s) => s.id)));
  const staffId =
    founder.name
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, ".")
      .replace(/^[^a-z0-9]+|\.+$/g, "") || "admin";
  await home.store.schools.save({
    id,
    name,
    timezone: home.policy.school.timezone,
    policy: { ...home.policy, school: { name, timezone: home.policy.school.timezone } },
    directory: directorySchema.parse({
      staff: [{ id: staffId, name: founder.name, roles: ["admin"], [founder.platform]: founder.userId }],
      channels: {},
    }),
  });
  await home.store.schools.bindWorkspace(id, founder.platform, workspace);
  await claimChannel(home, places, id, founder.platform, channel);
  await schools.changed();
  await audit(home, id, founder, "school_created", { workspace, name });
  return [
    `Done: ${name} is set up on homevisit (id ${id}), with you as its admin; this channel is now ${name}'s.`,
    "Next: in each channel homevisit should use, type homevisit setup approvals, visits, alerts or records;",
    "then give people their roles with homevisit admin grant @name dsl (and headteacher, office, staff).",
    "The school starts on this deployment's policy; its leads can change it with npm run school -- import.",
  ].join("\n");
}

/** The channel `setup school` was typed in becomes the school's, unless another school has it already. */
async function claimChannel(
  home: AppContext,
  places: readonly SchoolPlaces[],
  schoolId: string,
  platform: Platform,
  channel: string | undefined,
) {
  if (!channel) return;
  if (places.some((p) => p.id !== schoolId && hasChannel(p, platform, channel))) return;
  await home.store.forSchool(schoolId).saveChannelBinding(platform, "admin", { channel, source: "setup" });
}

async function audit(home: AppContext, schoolId: string, founder: Founder, action: string, detail: Record<string, unknown>) {
  await home.store.forSchool(schoolId).appendAudit({
    visitId: null,
    at: home.clock.now(),
    actorId: `${founder.platform}:${founder.userId}`,
    actor: founder.name,
    platform: founder.platform,
    action,
    detail,
  });
}

/**
 * The bot was added to a workspace or team. Already a school's, named in one school's directory,
 * or the first of a deployment with one school (today's setup): it is that school's, and nothing is
 * asked. Otherwise the
 * answer asks which school it is, naming the schools there are.
 */
export async function placeInstall(
  home: AppContext,
  platform: Founder["platform"],
  workspace: string,
  channel?: string,
): Promise<{ school: string } | { ask: string }> {
  const places = await home.store.schools.places();
  const bound = places.find((p) => p.workspaces.some((w) => w.platform === platform && w.workspace === workspace));
  if (bound) return { school: bound.id };
  // A school whose directory already names a channel of this team (SCHOOL_FILE) is its school.
  const named = channel ? places.filter((p) => hasChannel(p, platform, channel)) : [];
  // The one school's first workspace is its own; a second one may be another school's, so it asks.
  const first = places.length <= 1 && !places[0]?.workspaces.some((w) => w.platform === platform);
  if (first || named.length === 1) {
    const only = named[0]?.id ?? places[0]?.id ?? home.store.school;
    await home.store.schools.bindWorkspace(only, platform, workspace);
    await home.schools?.changed();
    return { school: only };
  }
  const names = (await home.store.schools.list()).map((s) => s.name);
  return {
    ask: [
      "Hello from homevisit: it keeps home visits safe (request, approve, check in, escalate, record).",
      "Which school is this for? An admin of the school types homevisit setup school followed by its name:",
      `one of ${names.join(", ")}, or a new school's name to start it with you as its admin.`,
    ].join("\n"),
  };
}
