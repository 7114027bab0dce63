import type { AppContext } from "./ports.js";
import type { SchoolRegistry } from "./school-registry.js";
import { runSafetyTick } from "./use-cases/run-safety-tick.js";

/**
 * The safety tick for every school, side by side: each school's ladder is its own piece of work,
 * so a school whose tick is slow (a big backlog, a lock) is skipped only by itself on the next
 * round while the others run on time.
 */
export class SchoolTicks {
  private readonly ticking = new Map<string, Promise<void>>();

  constructor(
    private readonly registry: SchoolRegistry,
    private readonly tickOne: (ctx: AppContext) => Promise<unknown> = runSafetyTick,
  ) {}

  /** Ticks every school not still busy with its last tick; rejects if any of them failed. */
  async tickAll(): Promise<void> {
    await this.registry.refreshIfStale().catch(() => undefined);
    const started = this.registry.all().flatMap((ctx) => {
      const id = ctx.store.school;
      if (this.ticking.has(id)) return [];
      const work = this.tickOne(ctx)
        .then(() => undefined)
        .finally(() => this.ticking.delete(id));
      this.ticking.set(id, work);
      return [work];
    });
    const results = await Promise.allSettled(started);
    const failed = results.find((result): result is PromiseRejectedResult => result.status === "rejected");
    if (failed) throw failed.reason;
  }

  /** Resolves when every tick started so far has finished (shutdown). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.ticking.values()]);
  }
}
