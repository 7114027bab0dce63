import type { Policy } from "./policy.js";

interface LocalTime {
  weekday: number;
  hhmm: string;
}

// Building a DateTimeFormat costs ~0.1 ms; the safety tick asks thousands of times.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timezone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timezone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-GB", {
      timeZone: timezone,
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    formatters.set(timezone, formatter);
  }
  return formatter;
}

const weekdays: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** The wall-clock time at the school, so "after 15:30" means 15:30 in the school's time zone. */
export function localTime(at: Date, timezone: string): LocalTime {
  const parts = formatterFor(timezone).formatToParts(at);
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? "";
  return { weekday: weekdays[get("weekday")] ?? 0, hhmm: `${get("hour")}:${get("minute")}` };
}

export type HoursClass = "school_hours" | "out_of_hours" | "evening";

/** Classifies a moment against the policy's school day. */
export function classifyHours(at: Date, policy: Policy): HoursClass {
  const { weekday, hhmm } = localTime(at, policy.school.timezone);
  const { hours } = policy;
  if (hhmm >= hours.eveningFrom || hhmm < hours.nightEndsAt) return "evening";
  if (!hours.schoolDays.includes(weekday)) return "out_of_hours";
  if (hhmm < hours.schoolDayStart || hhmm >= hours.schoolDayEnd) return "out_of_hours";
  return "school_hours";
}

/** Formats a time for people at the school, e.g. "Mon 3 Nov, 14:05" (or "…, 14:05:09"). */
export function formatSchoolTime(at: Date, timezone: string, options: { seconds?: boolean } = {}): string {
  const key = `${timezone}|${options.seconds ? "s" : ""}`;
  let formatter = displayFormatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-GB", {
      timeZone: timezone,
      weekday: "short",
      day: "numeric",
      month: "short",
      hour: "2-digit",
      minute: "2-digit",
      ...(options.seconds ? { second: "2-digit" as const } : {}),
      hourCycle: "h23",
    });
    displayFormatters.set(key, formatter);
  }
  return formatter.format(at);
}

const displayFormatters = new Map<string, Intl.DateTimeFormat>();

const clockFormatters = new Map<string, Intl.DateTimeFormat>();
const dateFormatters = new Map<string, Intl.DateTimeFormat>();

function cached(map: Map<string, Intl.DateTimeFormat>, timezone: string, options: Intl.DateTimeFormatOptions) {
  let formatter = map.get(timezone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-GB", { timeZone: timezone, ...options });
    map.set(timezone, formatter);
  }
  return formatter;
}

/** The school's clock time of an instant, e.g. "14:05". */
export function formatSchoolClock(at: Date, timezone: string): string {
  return cached(clockFormatters, timezone, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(at);
}

/** The school's date of an instant, e.g. "Tue 24 Nov". */
export function formatSchoolDate(at: Date, timezone: string): string {
  return cached(dateFormatters, timezone, { weekday: "short", day: "numeric", month: "short" }).format(at).replace(",", "");
}
