import type { Reach } from "../domain/safety-effects.js";
import { type Platform, platforms, staffWithRole } from "../domain/school-directory.js";
import type { AppContext } from "./ports.js";

/** A ladder target is reachable on a platform when someone (or a channel) there can be told. */
export type ReachOn = (platform: Platform) => Reach;

/**
 * Who can be told, per platform: a role is reachable when someone holding it has an id on that
 * platform; the alerts channel when the directory names it or `homevisit setup alerts` bound it.
 * Read before a transaction starts (the embedded database has one connection).
 */
export async function loadReach(ctx: AppContext): Promise<ReachOn> {
  const alerts = new Map<Platform, boolean>();
  for (const platform of platforms) {
    const configured = platform === "console" || !!ctx.directory.channels.alerts[platform];
    alerts.set(platform, configured || !!(await ctx.store.getChannelBinding(platform, "alerts"))?.channel);
  }
  return (platform) => (target) => {
    if (target === "pair") return true;
    if (target === "alerts") return alerts.get(platform) ?? false;
    return staffWithRole(ctx.directory, target).some((person) => platform === "console" || !!person[platform]);
  };
}
