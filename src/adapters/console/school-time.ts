/**
 * The console's forms use `<input type="datetime-local">`, which knows no time zone: what a person
 * types is wall-clock time at the school. These turn it into an instant and back.
 */

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function partsIn(at: Date, timezone: string): Parts {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: timezone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  }).formatToParts(at);
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? "0");
  return {
    year: get("year"),
    month: get("month"),
    day: get("day"),
    hour: get("hour"),
    minute: get("minute"),
    second: get("second"),
  };
}

/** How far the zone is ahead of UTC at that instant, in ms. */
function offsetAt(at: Date, timezone: string): number {
  const p = partsIn(at, timezone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** An instant as a datetime-local value at the school, e.g. "2026-11-24T10:30". */
export function toSchoolInput(at: Date, timezone: string): string {
  const p = partsIn(at, timezone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

/** A datetime-local value typed at the school into an instant; null when it is not one. */
export function fromSchoolInput(value: string, timezone: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map((part) => Number(part ?? "0")) as number[];
  const wall = Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 1, hour ?? 0, minute ?? 0, second ?? 0);
  if (Number.isNaN(wall)) return null;
  // Guess with the offset at the wall time, then correct once for a DST change in between.
  let at = wall - offsetAt(new Date(wall), timezone);
  at = wall - offsetAt(new Date(at), timezone);
  return new Date(at);
}

/** "Tue 24 Nov, 10:05:09": the school's time, with seconds, for the console's clock. */
export function formatClock(at: Date, timezone: string): string {
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: timezone,
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  }).format(at);
}

/** "10:05": the time of day at the school, for message headers. */
export function formatHhmm(at: Date, timezone: string): string {
  const p = partsIn(at, timezone);
  return `${pad(p.hour)}:${pad(p.minute)}`;
}

/**
 * The next school day at `hhmm` (school time) strictly after `now`, for the console's "skip to the
 * school day" control: a demo started in the evening can still make a visit.
 */
export function nextSchoolDayAt(now: Date, timezone: string, schoolDays: readonly number[], hhmm: string): Date {
  const today = partsIn(now, timezone);
  for (let days = 0; days <= 8; days++) {
    const date = new Date(Date.UTC(today.year, today.month - 1, today.day + days, 12));
    const value = `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}T${hhmm}`;
    const at = fromSchoolInput(value, timezone);
    const weekday = ((date.getUTCDay() + 6) % 7) + 1;
    if (at && at.getTime() > now.getTime() && schoolDays.includes(weekday)) return at;
  }
  return now;
}
