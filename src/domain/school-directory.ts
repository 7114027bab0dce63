import { z } from "zod";

export const platforms = ["slack", "teams", "console"] as const;
export type Platform = (typeof platforms)[number];

export const channelRoles = ["approvals", "visits", "alerts", "records"] as const;
export type ChannelRole = (typeof channelRoles)[number];

const staffSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, "use lower case letters, digits, . _ or -"),
  name: z.string().min(1).max(80),
  roles: z.array(z.string().regex(/^[a-z][a-z0-9_-]*$/)).default(["staff"]),
  mobile: z.string().optional(),
  /** Slack user id (U…). */
  slack: z.string().optional(),
  /** Teams user: the Entra object id (aadObjectId). */
  teams: z.string().optional(),
  /** From the platform's profile (Slack users.info) when the person was added in chat. */
  email: z.string().optional(),
});

/** Who may use homevisit: only the people listed, or anyone in the workspace (as `staff`). */
export const staffJoinModes = ["listed", "any_member"] as const;
export type StaffJoin = (typeof staffJoinModes)[number];

/** A role held by exactly the members of a platform group (a Slack user group such as @dsl-team). */
const groupSchema = z.object({
  role: z.string().regex(/^[a-z][a-z0-9_-]*$/),
  /** The Slack user group id (S…). */
  slack: z.string().regex(/^S[A-Z0-9]+$/, "a Slack user group id, e.g. S0123ABCD"),
  /** Its handle, for people: "dsl-team". */
  handle: z.string().optional(),
});

const channelSchema = z.object({ slack: z.string().optional(), teams: z.string().optional() });

/** Who holds which role, and which channels are which: the part of a school's setup that is not policy. */
export const directorySchema = z
  .object({
    staff: z.array(staffSchema).min(1),
    channels: z.object({
      approvals: channelSchema.default({}),
      visits: channelSchema.default({}),
      alerts: channelSchema.default({}),
      records: channelSchema.default({}),
    }),
    staffJoin: z.enum(staffJoinModes).default("listed"),
    groups: z.array(groupSchema).default([]),
  })
  .superRefine((directory, ctx) => {
    const seen = new Set<string>();
    directory.staff.forEach((person, index) => {
      if (seen.has(person.id)) ctx.addIssue({ code: "custom", path: ["staff", index, "id"], message: "duplicate id" });
      seen.add(person.id);
    });
  });

export type StaffMember = z.infer<typeof staffSchema>;
export type Directory = z.infer<typeof directorySchema>;
export type RoleGroup = z.infer<typeof groupSchema>;

export function findStaff(directory: Directory, staffId: string): StaffMember | undefined {
  return directory.staff.find((person) => person.id === staffId);
}

/** Maps a platform's user id to a member of staff; console users are already staff ids. */
export function findStaffByPlatformId(directory: Directory, platform: Platform, platformUserId: string): StaffMember | undefined {
  if (platform === "console") return findStaff(directory, platformUserId);
  return directory.staff.find((person) => person[platform] === platformUserId);
}

export function staffWithRole(directory: Directory, role: string): StaffMember[] {
  return directory.staff.filter((person) => person.roles.includes(role));
}

export function hasAnyRole(person: StaffMember | undefined, roles: readonly string[]): boolean {
  return !!person && person.roles.some((role) => roles.includes(role));
}
