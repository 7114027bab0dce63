/**
 * The console's forms use `<input type="datetime-local">`, which knows no time zone: what a person
 * types is wall-clock time at the school. These turn it into an instant and back.
 */

import { formatSchoolTime } from "../../domain/school-hours.js";
import { instantToSchoolTime, pad, schoolTimeToInstant, wallParts } from "../../domain/school-wall-clock.js";

/** An instant as a datetime-local value at the school, e.g. "2026-11-24T10:30". */
export function toSchoolInput(at: Date, timezone: string): string {
  const { date, time } = instantToSchoolTime(at, timezone);
  return `${date}T${time}`;
}

/** A datetime-local value typed at the school into an instant; null when it is not one. */
export function fromSchoolInput(value: string, timezone: string): Date | null {
  const [date = "", time = ""] = value.trim().split(/[T ]/);
  return schoolTimeToInstant(date, time, timezone);
}

/** "Tue 24 Nov, 10:05:09": the school's time, with seconds, for the console's clock. */
export function formatClock(at: Date, timezone: string): string {
  return formatSchoolTime(at, timezone, { seconds: true });
}

/** "10:05": the time of day at the school, for message headers. */
export function formatHhmm(at: Date, timezone: string): string {
  return instantToSchoolTime(at, timezone).time;
}

/**
 * The next school day at `hhmm` (school time) strictly after `now`, for the console's "skip to the
 * school day" control: a demo started in the evening can still make a visit.
 */
export function nextSchoolDayAt(now: Date, timezone: string, schoolDays: readonly number[], hhmm: string): Date {
  const today = wallParts(now, timezone);
  for (let days = 0; days <= 8; days++) {
    const date = new Date(Date.UTC(today.year, today.month - 1, today.day + days, 12));
    const value = `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}T${hhmm}`;
    const at = fromSchoolInput(value, timezone);
    const weekday = ((date.getUTCDay() + 6) % 7) + 1;
    if (at && at.getTime() > now.getTime() && schoolDays.includes(weekday)) return at;
  }
  return now;
}
