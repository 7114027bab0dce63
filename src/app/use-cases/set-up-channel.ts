import { DomainError, type Result } from "../../domain/domain-error.js";
import { type ChannelRole, findStaff, hasAnyRole } from "../../domain/school-directory.js";
import { hasChannel } from "../../domain/school-routing.js";
import type { Actor } from "../../domain/visit.js";
import type { AppContext, MessageRef } from "../ports.js";

const PURPOSE: Record<ChannelRole, string> = {
  approvals: "visit requests for approval (with the pupil's details)",
  visits: "a thread per visit, where the pair check in (initials only)",
  alerts: "escalations and emergency alerts",
  records: "completed Home Visit Forms (restricted)",
};

/** Who may say which channel is which: the approvers, the DSL and the headteacher. */
function maySetUp(ctx: AppContext, actor: Actor): boolean {
  return hasAnyRole(findStaff(ctx.directory, actor.staffId), [
    ...ctx.policy.approval.approverRoles,
    "headteacher",
    "dsl",
    "deputy_dsl",
    "admin",
  ]);
}

/** `homevisit setup approvals` typed in a channel: that channel now gets that role's messages (audited). */
export async function setUpChannel(
  ctx: AppContext,
  actor: Actor,
  role: ChannelRole,
  channel: MessageRef,
): Promise<Result<string>> {
  if (!maySetUp(ctx, actor))
    return {
      ok: false,
      error: new DomainError("not-allowed", "Only approvers, the DSL or the headteacher can choose homevisit's channels."),
    };
  // A channel is one school's: otherwise nobody could tell whose a request typed in it is.
  const places = await ctx.store.schools.places();
  const other = places.find(
    (p) => p.id !== ctx.store.school && !!channel.channel && hasChannel(p, actor.platform, channel.channel),
  );
  if (other)
    return {
      ok: false,
      error: new DomainError(
        "not-allowed",
        "This channel already belongs to another school on homevisit: choose a channel of your own school.",
      ),
    };
  await ctx.store.saveChannelBinding(actor.platform, role, { ...channel, source: "setup" });
  // This channel is now the school's: requests in it are routed to the school from the next one on.
  await ctx.schools?.changed();
  await ctx.store.appendAudit({
    visitId: null,
    at: ctx.clock.now(),
    actorId: actor.staffId,
    actor: actor.name,
    platform: actor.platform,
    action: "channel_setup",
    detail: { role, channel: channel.channel ?? "" },
  });
  return { ok: true, value: `Done: this channel now gets homevisit's ${role} messages: ${PURPOSE[role]}.` };
}
