/**
 * Forms give the school's wall-clock time ("2026-11-24", "14:30": Adaptive Card date and time
 * inputs, the console's datetime-local); the domain wants an instant. These convert both ways in
 * the school's time zone, so 14:30 typed in London is 14:30 in London whatever the server's zone.
 */

/** "2026-11-24" + "14:30" in `timezone` → the instant, or null when either part is missing or malformed. */
export function schoolTimeToInstant(date: string, time: string, timezone: string): Date | null {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date.trim());
  const t = /^(\d{1,2}):(\d{2})(?::\d{2})?$/.exec(time.trim());
  if (!d || !t) return null;
  const wall = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(t[1]), Number(t[2]));
  if (Number.isNaN(wall)) return null;
  // Guess with the offset at the wall time, then correct once for a DST change in between.
  let instant = wall - offsetMs(new Date(wall), timezone);
  instant = wall - offsetMs(new Date(instant), timezone);
  return new Date(instant);
}

/** The school's date ("2026-11-24") and time ("14:30") of an instant. */
export function instantToSchoolTime(at: Date, timezone: string): { date: string; time: string } {
  const parts = wallParts(at, timezone);
  return {
    date: `${parts.year}-${pad(parts.month)}-${pad(parts.day)}`,
    time: `${pad(parts.hour)}:${pad(parts.minute)}`,
  };
}

function offsetMs(at: Date, timezone: string): number {
  const p = wallParts(at, timezone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/** The school's calendar date and clock time of an instant, as numbers. */
export function wallParts(at: Date, timezone: string) {
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
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  return {
    year: get("year"),
    month: get("month"),
    day: get("day"),
    hour: get("hour"),
    minute: get("minute"),
    second: get("second"),
  };
}

export function pad(n: number): string {
  return String(n).padStart(2, "0");
}
