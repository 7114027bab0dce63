import type { FieldError } from "./domain-error.js";
import { initialsOf } from "./initials.js";

/**
 * A day of visits (Heather Avenue's Reception induction): one outing, several homes. The first
 * stop is the request's own pupil, address and planned start, so a visit with one home is
 * unchanged; `stops` on the request holds the homes after it, each at a time on the same day.
 */
export interface FurtherStop {
  /** School wall-clock time on the day of the planned start, "HH:MM". */
  time: string;
  pupil: { name: string };
  address: string;
}

/** Any stop of the day, the first included, numbered from 1 as people count them. */
export interface Stop {
  number: number;
  /** "HH:MM" for further stops; the first stop's time is the planned start. */
  time?: string;
  pupil: { name: string };
  address: string;
}

/** What happened at a stop the pair have moved on from (or came back from). */
export interface StopLog {
  arrivedAt?: string;
  enteredAt?: string;
  leftAt?: string;
  noAnswer?: boolean;
  weCalledCardAt?: string;
  /** Never reached: they came back to school with this stop still to do. */
  skipped?: boolean;
}

interface WithStops {
  request: { pupil: { name: string }; address: string; stops?: readonly FurtherStop[] };
  progress: { stop?: number };
}

const LINE = /^([01]?\d|2[0-3])[:.]([0-5]\d)$/;

/**
 * "Further stops", one a line: "HH:MM, pupil name, address" (the address may hold commas).
 * Every bad line is named by its number, so the person fixes them all at once.
 */
export function parseFurtherStops(text: string): { ok: true; value: FurtherStop[] } | { ok: false; errors: FieldError[] } {
  const stops: FurtherStop[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (!line) return;
    const [time = "", name = "", ...rest] = line.split(",").map((part) => part.trim());
    const address = rest.join(", ").trim();
    const clock = LINE.exec(time);
    const where = `line ${index + 1}`;
    if (!clock) problems.push(`${where}: start with the time as HH:MM, e.g. "10:30, Sam Jones, 4 Elm Road, AB1 2CD"`);
    else if (!name) problems.push(`${where}: give the pupil's name after the time`);
    else if (name.length > 100) problems.push(`${where}: keep the pupil's name under 100 characters`);
    else if (address.length < 5) problems.push(`${where}: give the full address, with postcode, after the name`);
    else if (address.length > 300) problems.push(`${where}: keep the address under 300 characters`);
    else stops.push({ time: `${clock[1]?.padStart(2, "0")}:${clock[2]}`, pupil: { name }, address });
  });
  if (problems.length > 0) return { ok: false, errors: [{ field: "stops", message: problems.join("; ") }] };
  return { ok: true, value: stops };
}

/** The further stops as the form shows them again (a request sent back for changes). */
export function furtherStopsText(stops: readonly FurtherStop[] | undefined): string {
  return (stops ?? []).map((s) => `${s.time}, ${s.pupil.name}, ${s.address}`).join("\n");
}

/** Every stop of the day, in order. */
export function stopsOf(visit: WithStops): Stop[] {
  const first: Stop = { number: 1, pupil: visit.request.pupil, address: visit.request.address };
  return [first, ...(visit.request.stops ?? []).map((s, i) => ({ ...s, number: i + 2 }))];
}

export function stopCount(visit: WithStops): number {
  return 1 + (visit.request.stops?.length ?? 0);
}

/** A day with more than one home. */
export function hasStops(visit: WithStops): boolean {
  return stopCount(visit) > 1;
}

/** The stop the pair are on now (or heading to). */
export function currentStop(visit: WithStops): Stop {
  const all = stopsOf(visit);
  return all[Math.min(visit.progress.stop ?? 0, all.length - 1)] ?? (all[0] as Stop);
}

/** The stop after the current one, if any. */
export function nextStopOf(visit: WithStops): Stop | null {
  return stopsOf(visit)[(visit.progress.stop ?? 0) + 1] ?? null;
}

/** "stop 2 of 3 (S.J.)": a stop named where pupil details must not appear. */
export function stopLabel(visit: WithStops, stop: Stop): string {
  return `stop ${stop.number} of ${stopCount(visit)} (${initialsOf(stop.pupil.name)})`;
}

/**
 * A button or form that is about one stop carries "HV-7K3QD/2"; the visit's own id alone means
 * the first (or only) stop, so every existing button keeps working.
 */
export function stopRef(visitId: string, stopNumber: number | null): string {
  return stopNumber === null ? visitId : `${visitId}/${stopNumber}`;
}

export function splitStopRef(ref: string): { visitId: string; stopNumber: number | null } {
  const match = /^(.*)\/(\d{1,2})$/.exec(ref.trim());
  if (!match) return { visitId: ref, stopNumber: null };
  return { visitId: match[1] ?? ref, stopNumber: Number(match[2]) };
}
