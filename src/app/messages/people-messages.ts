import type { PeopleEvent } from "../../domain/role-changes.js";
import { ADMIN_ROLE, describeRoles } from "../../domain/roles.js";
import { type Directory, type Platform, staffWithRole } from "../../domain/school-directory.js";
import type { NeutralMessage } from "./neutral-message.js";

const SOURCE: Record<PeopleEvent["via"], string> = {
  admin: "",
  joined: " (they used homevisit, and this school lets any member in)",
  group: " (the platform group the role follows changed)",
};

/** One change as a line: "Ben Hughes now has the role deputy_dsl (a deputy DSL)". */
export function describeChange(event: PeopleEvent): string {
  switch (event.type) {
    case "person_added":
      return `${event.name} (${event.staffId}) was added to the staff directory from ${event.platform === "slack" ? "Slack" : "Teams"}${SOURCE[event.via]}`;
    case "role_granted":
      return `${event.name} now has the role ${event.role} (${describeRoles([event.role])})${SOURCE[event.via]}`;
    case "role_revoked":
      return `${event.name} no longer has the role ${event.role}${SOURCE[event.via]}`;
    case "role_kept":
      return `${event.name} left the group but keeps the role ${event.role}: nobody else holds it, and the school needs it`;
    case "staff_join_set":
      return event.mode === "any_member"
        ? "Anyone in the workspace who uses homevisit now joins the staff directory as staff"
        : "Only the people listed in the staff directory can now use homevisit";
    case "group_bound":
      return `The role ${event.role} now follows the group ${event.group}: its members hold it`;
  }
}

/** What the admin who made the change is told. */
export function changeAnswer(events: readonly PeopleEvent[]): string {
  const lines = events.map(describeChange);
  return lines.length === 0 ? "Nothing needed to change." : `Done. ${lines.join(". ")}. The DSL has been told.`;
}

/** The DSL's copy of every change to who holds which role. */
export function peopleChangeNotice(events: readonly PeopleEvent[], by: string): NeutralMessage {
  const lines = events.map((event) => `• ${describeChange(event)}`);
  const text = `homevisit's staff directory changed (${by}):\n${lines.join("\n")}`;
  return { title: "Staff and roles changed", text, tone: "normal", blocks: [{ type: "text", text }] };
}

/** `homevisit admin roles`: everyone and what they hold, then who may join and which roles follow a group. */
export function rolesList(directory: Directory): string {
  const people = directory.staff.map((p) => `${p.name} (${p.id}): ${p.roles.length ? p.roles.join(", ") : "no roles"}`);
  const join =
    directory.staffJoin === "any_member"
      ? "Anyone in the workspace who uses homevisit joins as staff (homevisit admin join listed to stop this)."
      : "Only the people listed can use homevisit (homevisit admin join any_member lets anyone in the workspace join as staff).";
  const groups = directory.groups.map((g) => `The role ${g.role} follows the Slack user group @${g.handle ?? g.slack}.`);
  return [`${directory.staff.length} people:`, ...people, "", join, ...groups].join("\n");
}

export const ADMIN_HELP = [
  "homevisit admin roles — everyone and their roles, who may join (admins)",
  "homevisit admin grant @person deputy_dsl — give a role; someone new is added (admins)",
  "homevisit admin revoke @person deputy_dsl — take a role away (admins)",
  "homevisit admin join any_member (or listed) — let anyone in the workspace join as staff, or only the people listed (admins)",
];

export function adminHelp(platform: Platform): string[] {
  if (platform !== "slack") return ADMIN_HELP;
  return [
    ...ADMIN_HELP,
    "homevisit admin bind dsl @dsl-team — the role follows a Slack user group's members (admins)",
    "homevisit admin sync — read the bound user groups now (admins)",
  ];
}

/** Said to someone who is not an admin, naming the ones there are. */
export function notAnAdmin(directory: Directory): string {
  return `Only a homevisit admin can see or change roles. ${whomToAsk(staffWithRole(directory, ADMIN_ROLE).map((p) => p.name))}`;
}

/** "Ask Carys Morgan (homevisit admin)."; a school without admins asks whoever set homevisit up. */
export function whomToAsk(admins: readonly string[]): string {
  if (admins.length === 0) return "Ask whoever set homevisit up for your school (the SCHOOL_FILE lists the admins).";
  const names = admins.length === 1 ? admins[0] : `${admins.slice(0, -1).join(", ")} or ${admins[admins.length - 1]}`;
  return `Ask ${names} (homevisit admin${admins.length > 1 ? "s" : ""}).`;
}
