import type { Platform } from "../../domain/school-directory.js";
import { runWithLogContext } from "../../observability/log-context.js";
import type { AppContext } from "../app-context.js";
import type { ChatDelivery, OutboxRow } from "../ports.js";
import { deliverRow, operationOf } from "../use-cases/deliver-outbox.js";
import { orderLaneOf } from "./order-lane.js";
import { PauseBook } from "./pause-book.js";

export interface RunnerOptions {
  /** This instance, as written in claimedBy. */
  owner: string;
  /** Chains (a visit's rows in order) sent at once, per platform. */
  concurrency: number;
  /** Longer than any send can take (the platforms' clients give up after 10–15 s; a Teams DM may take two calls). */
  leaseMs?: number;
  /** How often the lease of rows still in hand is renewed. */
  renewEveryMs?: number;
}

const DEFAULT_LEASE_MS = 60_000;
const STUCK_AFTER_MS = 2 * 60_000;
const RELEASE_DELAY_MS = 1000;

interface Lane {
  platform: Platform;
  /** Chains being sent now. */
  active: number;
  /** Rows claimed by this instance and not finished with (sending or queued behind one). */
  held: Set<string>;
  pumping: Promise<number> | null;
  again: boolean;
}

/**
 * Delivers the outbox beside the safety tick, never inside it: per platform, up to `concurrency`
 * chains at once, each a visit's claimed rows sent one after another in the order they were
 * decided. Claimed rows are leased, and the lease is renewed while they are in hand, so another
 * instance never claims a row that is still being sent. A 429 pauses that platform operation for
 * every instance until its Retry-After. stop() claims nothing more, gives back rows claimed but not
 * yet sent, and waits for the sends in flight until the deadline.
 */
export class OutboxRunner {
  private readonly lanes = new Map<Platform, Lane>();
  private readonly pauses: PauseBook;
  private readonly leaseMs: number;
  private readonly renewal: NodeJS.Timeout;
  private stopping = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly ctx: AppContext,
    private readonly deliveries: ReadonlyMap<Platform, ChatDelivery>,
    private readonly options: RunnerOptions,
  ) {
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.pauses = new PauseBook(ctx);
    for (const platform of deliveries.keys())
      this.lanes.set(platform, { platform, active: 0, held: new Set(), pumping: null, again: false });
    this.renewal = setInterval(() => void this.renewLeases(), options.renewEveryMs ?? this.leaseMs / 4);
    this.renewal.unref();
  }

  /** Look at the outbox now (new messages were queued, or the tick came round). */
  kick(): void {
    if (this.stopping) return;
    for (const lane of this.lanes.values()) void this.pump(lane).catch(() => {});
  }

  /** Delivers everything due now, and what that makes due (tests, and the console's Run timers). */
  async flush(): Promise<void> {
    for (let round = 0; round < 1000 && !this.stopping; round++) {
      const claimed = (await Promise.all([...this.lanes.values()].map((lane) => this.pump(lane)))).reduce((a, b) => a + b, 0);
      await this.idle();
      if (claimed === 0) return;
    }
  }

  async stop(deadline: number): Promise<void> {
    this.stopping = true;
    await Promise.race([this.idle(), new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now())))]);
    clearInterval(this.renewal);
  }

  /** Claims as many rows as there are free places, and starts their chains; returns how many it claimed. */
  private pump(lane: Lane): Promise<number> {
    if (lane.pumping) {
      lane.again = true;
      return lane.pumping;
    }
    const run = async (): Promise<number> => {
      let claimed = 0;
      do {
        lane.again = false;
        while (!this.stopping) {
          const free = this.options.concurrency - lane.active;
          if (free <= 0) break;
          const rows = await this.ctx.store.claimOutbox(this.ctx.clock.now(), free, this.leaseMs, this.options.owner, {
            platforms: [lane.platform],
            exclude: [...lane.held],
            stuckAfterMs: STUCK_AFTER_MS,
          });
          if (rows.length === 0) break;
          claimed += rows.length;
          for (const chain of chainsOf(rows)) this.startChain(lane, chain);
        }
      } while (lane.again && !this.stopping);
      return claimed;
    };
    lane.pumping = run()
      .catch((error: unknown) => {
        if (this.ctx.store.health.reachable)
          this.ctx.log.error(`outbox: could not claim ${lane.platform} messages`, { err: error });
        return 0;
      })
      .finally(() => {
        lane.pumping = null;
        this.wakeIdle();
      });
    return lane.pumping;
  }

  private startChain(lane: Lane, chain: OutboxRow[]): void {
    lane.active++;
    for (const row of chain) lane.held.add(row.id);
    void this.sendChain(lane, chain)
      .catch((error: unknown) => this.ctx.log.error("outbox: a delivery failed unexpectedly", { err: error }))
      .finally(() => {
        for (const row of chain) lane.held.delete(row.id);
        lane.active--;
        if (!this.stopping) void this.pump(lane).catch(() => {});
        this.wakeIdle();
      });
  }

  /** A visit's rows in order; what is not sent (stopping, paused, an earlier row failed) is given back. */
  private async sendChain(lane: Lane, chain: OutboxRow[]): Promise<void> {
    for (let i = 0; i < chain.length; i++) {
      const row = chain[i] as OutboxRow;
      const rest = chain.slice(i);
      if (this.stopping) return this.release(rest, this.ctx.clock.now());
      const pausedUntil = this.pauses.until(lane.platform, operationOf(row));
      if (pausedUntil) return this.release(rest, pausedUntil);
      const outcome = await runWithLogContext({ visitId: row.visitId ?? undefined, outbox: row.id }, () =>
        deliverRow(this.ctx, this.deliveries, row),
      );
      lane.held.delete(row.id);
      if (outcome.kind === "failed" && outcome.rateLimitedUntil) {
        await this.pauses.pause(lane.platform, operationOf(row), outcome.rateLimitedUntil, outcome.method);
        return this.release(chain.slice(i + 1), outcome.rateLimitedUntil);
      }
      // A later message must not overtake one that is only briefly held up. It is given back (the
      // claim holds it while the earlier one is young), and looked at again a second from now at
      // the earliest: never a tight loop, whatever the clocks of two instances say.
      if ((outcome.kind === "failed" || outcome.kind === "waiting") && !this.isStuck(row))
        return this.release(chain.slice(i + 1), new Date(this.ctx.clock.now().getTime() + RELEASE_DELAY_MS));
    }
  }

  private isStuck(row: OutboxRow): boolean {
    // The same boundary as the claim's (a row younger than STUCK_AFTER_MS holds the others back).
    return !!row.queuedAt && this.ctx.clock.now().getTime() - row.queuedAt.getTime() >= STUCK_AFTER_MS;
  }

  private async release(rows: OutboxRow[], at: Date): Promise<void> {
    if (rows.length === 0) return;
    await this.ctx.store.releaseClaims(
      rows.map((row) => row.id),
      this.options.owner,
      at,
    );
  }

  private async renewLeases(): Promise<void> {
    const until = new Date(this.ctx.clock.now().getTime() + this.leaseMs);
    for (const lane of this.lanes.values()) {
      if (lane.held.size === 0) continue;
      await this.ctx.store.renewLeases([...lane.held], this.options.owner, until).catch((error: unknown) => {
        if (!this.ctx.store.health.reachable) return;
        this.ctx.log.warn(`outbox: could not renew the lease of ${lane.held.size} ${lane.platform} message(s)`, { err: error });
      });
    }
  }

  private idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    return [...this.lanes.values()].every((lane) => lane.active === 0 && !lane.pumping);
  }

  /** Called when a chain or a pump ends: idle once no chain is sending and no claim is running. */
  private wakeIdle(): void {
    if (this.isIdle()) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}

/** Rows grouped by visit, platform and place, each group in seq order; rows of no visit stand alone. */
function chainsOf(rows: readonly OutboxRow[]): OutboxRow[][] {
  const chains = new Map<string, OutboxRow[]>();
  for (const row of rows) {
    const key = row.visitId ? `${row.platform}:${row.visitId}:${orderLaneOf(row.target)}` : `row:${row.id}`;
    const chain = chains.get(key) ?? [];
    chain.push(row);
    chains.set(key, chain);
  }
  return [...chains.values()];
}
