import cron, { type ScheduledTask } from "node-cron";
import type { AppContext } from "./app/app-context.js";
import { evaluateTriggers } from "./app/attendance/evaluate-triggers.js";
import { askFollowUps } from "./app/attendance/follow-ups.js";
import type { Config } from "./config/load-config.js";
import { schoolDay } from "./daily-jobs.js";

/** What the daily attendance job does, in order; `sync` is the Wonde pull when a school has it. */
export interface AttendanceWork {
  sync?: (ctx: AppContext) => Promise<void>;
}

/**
 * Each school day at ATTENDANCE_CHECK_AT (school time), once across instances: pull the register from
 * Wonde if configured, then look at the triggers (which also send the day's must-see reminders).
 * A failed sync is logged and the triggers still run on what the database has.
 */
export async function runAttendanceOnce(ctx: AppContext, instance: string, work: AttendanceWork = {}): Promise<boolean> {
  const now = ctx.clock.now();
  const day = schoolDay(now, ctx.policy.school.timezone);
  return ctx.store.runDailyJob("attendance", day, instance, now, async () => {
    if (work.sync)
      await work.sync(ctx).catch((error: unknown) => ctx.log.error("attendance: the Wonde sync failed", { err: error }));
    const evaluation = await evaluateTriggers(ctx);
    const asked = await askFollowUps(ctx);
    ctx.log.info(
      `attendance: ${evaluation.fired.length} trigger(s) fired, ${evaluation.reminded} reminded, ${evaluation.resolved} resolved; ${asked} follow-up(s) asked`,
    );
  });
}

/** The job's cron line: HH:MM on the policy's school days (ISO 1–7 as cron's 1–6 and 0). */
export function attendanceSchedule(checkAt: string, schoolDays: readonly number[]): string {
  const [hour, minute] = checkAt.split(":").map(Number);
  return `${minute} ${hour} * * ${schoolDays.map((d) => d % 7).join(",")}`;
}

export function scheduleAttendanceJob(
  ctx: AppContext,
  instance: string,
  config: Config["attendance"],
  work: AttendanceWork = {},
): ScheduledTask {
  return cron.schedule(
    attendanceSchedule(config.checkAt, ctx.policy.hours.schoolDays),
    () => {
      runAttendanceOnce(ctx, instance, work).catch((error: unknown) => ctx.log.error("attendance job failed", { err: error }));
    },
    { timezone: ctx.policy.school.timezone, name: "attendance" },
  );
}
