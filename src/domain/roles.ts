/** Role ids as people say them, for messages that name who may do something. */
const roleNames: Record<string, string> = {
  dsl: "the Designated Safeguarding Lead",
  deputy_dsl: "a deputy DSL",
  headteacher: "the headteacher",
  leadership_team: "the leadership team",
  office: "the school office",
  attendance_champion: "the attendance champion",
  senco: "the SENCO",
  admin: "a homevisit admin",
  staff: "staff",
};

/** Grants and removes roles in chat, and chooses who may join. */
export const ADMIN_ROLE = "admin";

/** Every role homevisit itself knows; a policy may name more (see rolesOfPolicy). */
export const KNOWN_ROLES: readonly string[] = Object.keys(roleNames);

/** "the Designated Safeguarding Lead, a deputy DSL or the headteacher". */
export function describeRoles(roles: readonly string[]): string {
  const names = roles.map((role) => roleNames[role] ?? role.replace(/_/g, " "));
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} or ${names[names.length - 1]}`;
}
