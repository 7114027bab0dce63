import type { Policy } from "../../domain/policy.js";
import { rolesPolicyReliesOn } from "../../domain/policy-roles.js";
import { type ChannelRole, channelRoles, type Directory, type Platform, staffWithRole } from "../../domain/school-directory.js";
import type { AppContext } from "../ports.js";

export interface SetupProblem {
  /** error: refuses to start in production; warning: said loudly, and the bot starts. */
  severity: "error" | "warning";
  text: string;
}

/**
 * Checks the policy against the school directory before anyone relies on it: every role named by
 * approval, the ladder and the code word is held by someone reachable on each platform that is on,
 * and the four channels are configured (or, in Teams, can still be bound with `homevisit setup`).
 */
export async function checkSetup(ctx: AppContext, platforms: readonly Platform[]): Promise<SetupProblem[]> {
  const problems: SetupProblem[] = [];
  for (const platform of platforms) {
    if (platform === "console") continue;
    problems.push(...checkRoles(ctx.policy, ctx.directory, platform));
    for (const role of channelRoles) {
      if (ctx.directory.channels[role][platform]) continue;
      if ((await ctx.store.getChannelBinding(platform, role))?.channel) continue;
      problems.push(missingChannel(platform, role));
    }
  }
  return problems;
}

function checkRoles(policy: Policy, directory: Directory, platform: Exclude<Platform, "console">): SetupProblem[] {
  const problems: SetupProblem[] = [];
  for (const [role, key] of rolesPolicyReliesOn(policy)) {
    const holders = staffWithRole(directory, role);
    if (holders.length === 0)
      problems.push({
        severity: "error",
        text: `Nobody holds the role "${role}", which the policy names in ${key}: give it to someone in SCHOOL_FILE, or change the policy.`,
      });
    else if (!holders.some((person) => !!person[platform]))
      problems.push({
        severity: "error",
        text: `Nobody with the role "${role}" (${holders.map((p) => p.name).join(", ")}) can be reached in ${platform}: add their ${platform === "slack" ? "Slack member id (staff[].slack)" : "Teams object id (staff[].teams)"} to SCHOOL_FILE.`,
      });
  }
  return problems;
}

function missingChannel(platform: Exclude<Platform, "console">, role: ChannelRole): SetupProblem {
  if (platform === "teams")
    return {
      severity: "warning",
      text: `The Teams ${role} channel is not set up yet: type "@homevisit setup ${role}" in that channel (or set channels.${role}.teams in SCHOOL_FILE).`,
    };
  return {
    severity: "error",
    text: `channels.${role}.slack is not set in SCHOOL_FILE: put the Slack channel's id there (channel details, at the bottom) and invite the bot.`,
  };
}
