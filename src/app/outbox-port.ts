import type { Platform } from "../domain/school-directory.js";
import type { MessageRef, OutboxRow } from "./ports.js";

/** What a platform call does: post a new message, or update one in place. */
export type DeliveryOperation = "post" | "update";

export interface ClaimOptions {
  /** Only these platforms (the ones this instance can deliver to). */
  platforms?: readonly Platform[];
  /** Rows this instance is sending now, never claimed again while they are in flight. */
  exclude?: readonly string[];
  /** A message undelivered for longer than this no longer holds back its visit's later ones (default 2 min). */
  stuckAfterMs?: number;
}

export interface PlatformPause {
  platform: Platform;
  operation: DeliveryOperation;
  until: Date;
}

export interface BacklogCount {
  platform: string;
  critical: boolean;
  count: number;
}

/**
 * The outbox as the delivery runner sees it: rows are claimed under a lease (state 'sending',
 * nextAttemptAt = lease end, claimedBy = the instance), renewed while a send is in flight, and
 * released when a claimed row will not be sent after all.
 */
export interface OutboxStore {
  /**
   * Claims deliverable rows for `leaseMs`, oldest first. A row of a visit waits while an earlier
   * undelivered row of the same visit (and platform) is being sent, or is waiting and younger than
   * `stuckAfterMs`; a platform operation that is paused (429) is not claimed at all. Rows of one
   * visit come back in order and must be sent in that order.
   */
  claimOutbox(now: Date, limit: number, leaseMs: number, owner: string, options?: ClaimOptions): Promise<OutboxRow[]>;
  markDelivered(id: string, ref: MessageRef, now: Date): Promise<void>;
  markFailed(id: string, error: string, retryAt: Date): Promise<void>;
  /** A message that cannot be delivered as things are set up: kept, retried slowly, reported. */
  markUndeliverable(id: string, error: string, retryAt: Date): Promise<void>;
  /** Extends the lease of rows this owner is still sending; returns how many it still held. */
  renewLeases(ids: readonly string[], owner: string, until: Date): Promise<number>;
  /** Gives back rows this owner claimed and did not send: deliverable again at `at`, the attempt not counted. */
  releaseClaims(ids: readonly string[], owner: string, at: Date): Promise<number>;
  /** Records a platform's Retry-After for one operation, for every instance (the later time wins). */
  pausePlatform(platform: Platform, operation: DeliveryOperation, until: Date, reason: string): Promise<void>;
  platformPauses(now: Date): Promise<PlatformPause[]>;
  /** Undelivered messages by platform, for /metrics. */
  outboxBacklog(): Promise<BacklogCount[]>;
  /** When the oldest undelivered safety-critical message was queued (null: none waiting), for /readyz. */
  oldestUndeliveredCritical(): Promise<Date | null>;
}

/** What running in production needs of the database besides the domain's reads and writes. */
export interface OpsStore {
  /** Whether the database answers, as the last queries saw it. */
  readonly health: { readonly reachable: boolean; readonly problem: string | null };
  /** SELECT 1 within `timeoutMs`. */
  ping(timeoutMs: number): Promise<void>;
  /**
   * Runs a daily job once per school day across every instance: under an advisory lock, and only
   * if no instance has run it for `day` yet. Resolves whether this instance ran it.
   */
  runDailyJob(job: string, day: string, instance: string, at: Date, work: () => Promise<void>): Promise<boolean>;
}
