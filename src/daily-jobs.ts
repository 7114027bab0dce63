import cron, { type ScheduledTask } from "node-cron";
import type { AppContext } from "./app/app-context.js";
import { applyRetention } from "./app/use-cases/apply-retention.js";

/** Retention runs at 02:30 school time (the policy's time zone, not the server's). */
export const RETENTION_SCHEDULE = "30 2 * * *";

/** The school's date (YYYY-MM-DD) at `at`, in its own time zone: one run of a daily job per such day. */
export function schoolDay(at: Date, timezone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: timezone, year: "numeric", month: "2-digit", day: "2-digit" }).format(at);
}

/** Runs retention for today's school day unless another instance already has; true when this one ran it. */
export async function runRetentionOnce(ctx: AppContext, instance: string): Promise<boolean> {
  const now = ctx.clock.now();
  const day = schoolDay(now, ctx.policy.school.timezone);
  const ran = await ctx.store.runDailyJob("retention", day, instance, now, async () => {
    await applyRetention(ctx);
  });
  if (!ran) ctx.log.info(`retention for ${day} already ran on another instance (or is running there)`);
  return ran;
}

/** The nightly jobs, at their hour in the school's time zone; across instances each runs once a day. */
export function scheduleDailyJobs(ctx: AppContext, instance: string): ScheduledTask {
  return cron.schedule(
    RETENTION_SCHEDULE,
    () => {
      runRetentionOnce(ctx, instance).catch((error: unknown) => ctx.log.error("retention job failed", { err: error }));
    },
    { timezone: ctx.policy.school.timezone, name: "retention" },
  );
}
