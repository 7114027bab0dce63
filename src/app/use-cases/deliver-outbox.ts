import type { Platform } from "../../domain/school-directory.js";
import { findStaff } from "../../domain/school-directory.js";
import { countDelivery, countRateLimited } from "../../observability/metrics.js";
import type { AppContext } from "../app-context.js";
import type { DeliveryOperation } from "../outbox-port.js";
import { type ChatDelivery, DeliveryError, type OutboxRow, type ResolvedTarget } from "../ports.js";

const MAX_BACKOFF_MS = 60_000;
const PERMANENT_RETRY_MS = 5 * 60_000;

export interface DeliveryReport {
  delivered: number;
  failed: number;
}

/** What became of one outbox row; the row is already marked so in the database. */
export type RowOutcome =
  | { kind: "delivered" }
  /** Will be tried again at `retryAt`; `rateLimitedUntil` when the platform said when (429). */
  | { kind: "failed"; retryAt: Date; rateLimitedUntil?: Date; method?: string }
  /** Waiting for an earlier message (a thread reply before its thread exists). */
  | { kind: "waiting"; retryAt: Date }
  /** Retrying cannot help as things are set up; kept, retried slowly, and it no longer holds anything back. */
  | { kind: "undeliverable" };

/** Which platform operation a row needs: a rate limit (429) pauses that operation for everyone. */
export function operationOf(row: Pick<OutboxRow, "updates">): DeliveryOperation {
  return row.updates ? "update" : "post";
}

/**
 * Sends one claimed row and records the outcome. A failure is never dropped: the row goes back
 * with a backoff (or the platform's Retry-After) and is tried again until it is delivered.
 */
export async function deliverRow(
  ctx: AppContext,
  deliveries: ReadonlyMap<Platform, ChatDelivery>,
  row: OutboxRow,
): Promise<RowOutcome> {
  try {
    await deliverOne(ctx, deliveries, row);
    countDelivery(row.platform, "delivered");
    return { kind: "delivered" };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const now = ctx.clock.now().getTime();
    if (error instanceof NotYet) {
      const retryAt = new Date(now + backoffMs(row));
      await ctx.store.markFailed(row.id, message, retryAt);
      countDelivery(row.platform, "waiting");
      return { kind: "waiting", retryAt };
    }
    // A setup problem (channel not found, person without a platform id) cannot fix itself:
    // keep the message, try again slowly, and say loudly what needs fixing.
    if (error instanceof DeliveryError && !error.retryable) {
      ctx.log.error(`delivery to ${row.platform} cannot succeed until the setup is fixed: ${message}`, { outbox: row.id });
      await ctx.store.markUndeliverable(row.id, message, new Date(now + PERMANENT_RETRY_MS));
      countDelivery(row.platform, "undeliverable");
      return { kind: "undeliverable" };
    }
    const retryAfter = error instanceof DeliveryError ? error.retryAfterMs : undefined;
    const wait = Math.max(retryAfter ?? 0, backoffMs(row));
    const retryAt = new Date(now + wait);
    const method = error instanceof DeliveryError ? error.method : undefined;
    ctx.log.warn(`delivery to ${row.platform} failed, retrying in ${wait} ms`, { error: message, outbox: row.id });
    await ctx.store.markFailed(row.id, message, retryAt);
    countDelivery(row.platform, "failed");
    if (retryAfter === undefined) return { kind: "failed", retryAt, method };
    countRateLimited(row.platform, method ?? operationOf(row));
    return { kind: "failed", retryAt, rateLimitedUntil: new Date(now + retryAfter), method };
  }
}

function backoffMs(row: OutboxRow): number {
  return Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(Math.max(row.attempts, 1) - 1, 6));
}

/**
 * One round of delivery with no runner around it: claims what is due on these platforms and sends
 * each visit's rows in order. The app uses OutboxRunner (bounded concurrency, leases renewed);
 * this is for tools and tests that drive delivery by hand.
 */
export async function deliverOutbox(
  ctx: AppContext,
  deliveries: ReadonlyMap<Platform, ChatDelivery>,
  owner: string,
  limit = 50,
): Promise<DeliveryReport> {
  const rows = await ctx.store.claimOutbox(ctx.clock.now(), limit, 60_000, owner, { platforms: [...deliveries.keys()] });
  const report = { delivered: 0, failed: 0 };
  for (const row of rows) {
    const outcome = await deliverRow(ctx, deliveries, row);
    if (outcome.kind === "delivered") report.delivered++;
    else report.failed++;
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
