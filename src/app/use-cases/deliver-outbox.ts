import type { Platform } from "../../domain/school-directory.js";
import { findStaff } from "../../domain/school-directory.js";
import type { AppContext } from "../app-context.js";
import { type ChatDelivery, DeliveryError, type OutboxRow, type ResolvedTarget } from "../ports.js";

const LEASE_MS = 30_000;
const MAX_BACKOFF_MS = 60_000;
const PERMANENT_RETRY_MS = 5 * 60_000;

export interface DeliveryReport {
  delivered: number;
  failed: number;
}

/**
 * Sends what the outbox holds. A failure is never dropped: the row goes back with a backoff (or
 * the platform's Retry-After) and is tried again until it is delivered.
 */
export async function deliverOutbox(
  ctx: AppContext,
  deliveries: ReadonlyMap<Platform, ChatDelivery>,
  owner: string,
  limit = 50,
): Promise<DeliveryReport> {
  const rows = await ctx.store.claimOutbox(ctx.clock.now(), limit, LEASE_MS, owner);
  const report = { delivered: 0, failed: 0 };
  for (const row of rows) {
    try {
      await deliverOne(ctx, deliveries, row);
      report.delivered++;
    } catch (error) {
      report.failed++;
      const retryAfter = error instanceof DeliveryError ? error.retryAfterMs : undefined;
      // A setup problem (channel not found, person without a platform id) cannot fix itself:
      // keep the message, try again slowly, and say loudly what needs fixing.
      const permanent = error instanceof DeliveryError && !error.retryable;
      const backoff = permanent ? PERMANENT_RETRY_MS : Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(row.attempts - 1, 6));
      const wait = Math.max(retryAfter ?? 0, backoff);
      const message = error instanceof Error ? error.message : String(error);
      const retryAt = new Date(ctx.clock.now().getTime() + wait);
      if (permanent) {
        // Kept and retried slowly, but it no longer holds the ladder back: the next step must reach someone.
        ctx.log.error(`delivery to ${row.platform} cannot succeed until the setup is fixed: ${message}`, { outbox: row.id });
        await ctx.store.markUndeliverable(row.id, message, retryAt);
        continue;
      }
      if (!(error instanceof NotYet))
        ctx.log.warn(`delivery to ${row.platform} failed, retrying in ${wait} ms`, { message, outbox: row.id });
      await ctx.store.markFailed(row.id, message, retryAt);
    }
  }
  return report;
}

/** A message that waits for another to land first (a thread reply before its thread exists). */
class NotYet extends Error {}

async function deliverOne(ctx: AppContext, deliveries: ReadonlyMap<Platform, ChatDelivery>, row: OutboxRow): Promise<void> {
  const delivery = deliveries.get(row.platform);
  if (!delivery) throw new DeliveryError(`${row.platform} is not configured on this instance`);
  if (row.updates) {
    const ref = await ctx.store.getMessageRef(row.visitId, row.platform, row.updates);
    if (!ref) throw new NotYet(`waiting for ${row.updates} to be posted`);
    const updated = await delivery.update(ref, row.message);
    await ctx.store.markDelivered(row.id, updated, ctx.clock.now());
    return;
  }
  const target = await resolveTarget(ctx, row);
  const ref = await delivery.post(target, row.message);
  if (row.refKey) await ctx.store.saveMessageRef(row.visitId, row.platform, row.refKey, ref);
  await ctx.store.markDelivered(row.id, ref, ctx.clock.now());
}

async function resolveTarget(ctx: AppContext, row: OutboxRow): Promise<ResolvedTarget> {
  const platform = row.platform;
  const mentions = (row.message.mentions ?? []).map((id) => platformUserId(ctx, platform, id)).filter((id): id is string => !!id);
  const target = row.target;
  if (target.kind === "channel") {
    const channel = await channelId(ctx, platform, target.role);
    return { kind: "channel", channel, mentions };
  }
  if (target.kind === "visit_thread") {
    const threadRef = await ctx.store.getMessageRef(target.visitId, platform, "thread");
    if (!threadRef) throw new NotYet("waiting for the visit's thread to open");
    return { kind: "channel", channel: threadRef.channel ?? "", threadRef, mentions };
  }
  const user = platformUserId(ctx, platform, target.staffId);
  if (!user) throw new DeliveryError(`${target.staffId} has no ${platform} id in the school directory`, undefined, false);
  return { kind: "dm", user };
}

async function channelId(
  ctx: AppContext,
  platform: Platform,
  role: "approvals" | "visits" | "alerts" | "records",
): Promise<string> {
  const bound = await ctx.store.getChannelBinding(platform, role);
  if (bound?.channel) return bound.channel;
  if (platform === "console") return role;
  const configured = ctx.directory.channels[role][platform];
  if (!configured) throw new DeliveryError(`no ${platform} channel is configured for ${role}`, undefined, false);
  return configured;
}

function platformUserId(ctx: AppContext, platform: Platform, staffId: string): string | undefined {
  if (platform === "console") return staffId;
  return findStaff(ctx.directory, staffId)?.[platform];
}
