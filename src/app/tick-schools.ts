import type { AppContext } from "./ports.js";
import type { SchoolRegistry } from "./school-registry.js";
import { runSafetyTick } from "./use-cases/run-safety-tick.js";

/**
 * The safety tick for every school, side by side: each school's ladder is its own piece of work,
 * so a school whose tick is slow (a big backlog, a lock) is skipped only by itself on the next
 * round while the others run on time. One query first says which schools have a timer due, so a
 * school with nothing to do costs nothing.
 */
export class SchoolTicks {
  private readonly ticking = new Map<string, Promise<void>>();

  constructor(
    private readonly registry: SchoolRegistry,
    private readonly tickOne: (ctx: AppContext) => Promise<unknown> = runSafetyTick,
  ) {}

  /** Ticks every school with a timer due and not still busy with its last tick; rejects if any of them failed. */
  async tickAll(): Promise<void> {
    await this.registry.refreshIfStale().catch(() => undefined);
    const due = await this.dueSchools();
    const started = this.registry.all().flatMap((ctx) => {
      const id = ctx.store.school;
      if (this.ticking.has(id) || (due && !due.has(id))) return [];
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

  /** When the earliest pending timer of any school falls due (null: none, or the database did not say). */
  async nextDue(): Promise<Date | null> {
    const timers = await this.registry.home.store.schools.nextTimers().catch(() => []);
    const times = timers.map((timer) => new Date(timer.dueAt).getTime());
    return times.length > 0 ? new Date(Math.min(...times)) : null;
  }

  /** The schools with a timer due now; null when the question itself failed, so every school is asked. */
  private async dueSchools(): Promise<Set<string> | null> {
    const now = this.registry.home.clock.now().getTime();
    try {
      const timers = await this.registry.home.store.schools.nextTimers();
      return new Set(timers.filter((timer) => new Date(timer.dueAt).getTime() <= now).map((timer) => timer.schoolId));
    } catch {
      return null;
    }
  }

  /** Resolves when every tick started so far has finished (shutdown). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.ticking.values()]);
  }
}
