import { staffWithRole } from "../../domain/school-directory.js";
import type { NeutralMessage } from "../messages/neutral-message.js";
import type { AppContext, OutgoingMessage } from "../ports.js";

/**
 * Direct messages to everyone holding these roles, each on a platform they can be reached on (the
 * first of this instance's platforms they have an id for). Attendance messages belong to no visit
 * and never go to a channel: pupil data is need-to-know.
 */
export function directMessages(ctx: AppContext, roles: readonly string[], message: NeutralMessage): OutgoingMessage[] {
  const seen = new Set<string>();
  const out: OutgoingMessage[] = [];
  for (const role of roles)
    for (const person of staffWithRole(ctx.directory, role)) {
      if (seen.has(person.id)) continue;
      seen.add(person.id);
      out.push(directMessage(ctx, person.id, message));
    }
  return out;
}

export function directMessage(
  ctx: AppContext,
  staffId: string,
  message: NeutralMessage,
  preferred?: OutgoingMessage["platform"],
): OutgoingMessage {
  const person = ctx.directory.staff.find((p) => p.id === staffId);
  const platforms = ctx.platforms?.length ? ctx.platforms : (["console"] as const);
  const reachable = platforms.filter((platform) => platform === "console" || !!person?.[platform]);
  const platform = preferred && reachable.includes(preferred) ? preferred : (reachable[0] ?? platforms[0] ?? "console");
  return { visitId: null, platform, target: { kind: "dm", staffId }, message };
}
