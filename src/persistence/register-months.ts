import type { RegisterDay } from "../domain/attendance/episodes.js";
import type { MarkKind } from "../domain/attendance/mark-codes.js";
import type { ParsedDay } from "../domain/attendance/parse-register.js";

/**
 * One AttendanceMonth row: the month's register days, a line each, oldest first, as
 * "07\t/\tN\tpresent" (day of the month, AM mark, PM mark, the day as a whole; a session without a
 * mark is empty). Plain text, not jsonb: PGlite takes a year of it four times faster, and mark codes
 * have no spaces (the mapping's schema says so).
 */
export interface MonthRow {
  pupilId: string;
  month: string;
  marks: string;
}

/** A row to write, with how many of its days the batch brought (the rest were stored already). */
export interface NewMonthRow extends MonthRow {
  days: number;
}

/** Days grouped into a row per pupil and month. */
export function toMonthRows(days: readonly ParsedDay[]): NewMonthRow[] {
  const rows = new Map<string, { pupilId: string; month: string; lines: string[] }>();
  let last: { pupilId: string; month: string; lines: string[] } | undefined;
  const marksOf = dayText();
  for (const day of days) {
    const month = day.day.slice(0, 7);
    if (!last || last.pupilId !== day.pupilId || last.month !== month) {
      const key = `${day.pupilId}\n${month}`;
      last = rows.get(key);
      if (!last) {
        last = { pupilId: day.pupilId, month, lines: [] };
        rows.set(key, last);
      }
    }
    last.lines.push(day.day.slice(8) + marksOf(day));
  }
  return [...rows.values()].map((row) => ({
    pupilId: row.pupilId,
    month: row.month,
    marks: sortedLines(row.lines),
    days: row.lines.length,
  }));
}

/** A stored month with a newer one's days over it: a day in both takes the newer marks. */
export function mergeMonth(stored: string, newer: string): string {
  const byDay = new Map<string, string>();
  for (const line of stored.split("\n")) byDay.set(line.slice(0, 2), line);
  for (const line of newer.split("\n")) byDay.set(line.slice(0, 2), line);
  return sortedLines([...byDay.values()]);
}

/** The days of a month from `first` (a day of the month, "01" to "31") on, or "" when none is left. */
export function monthFrom(marks: string, first: string): string {
  return marks
    .split("\n")
    .filter((line) => line.slice(0, 2) >= first)
    .join("\n");
}

/** Stored month rows (ordered by pupil and month) back into each pupil's days from `since` on, oldest first. */
export function fromMonthRows(
  rows: readonly { pupilId: string; month: string; marks: string }[],
  since: string,
): Map<string, RegisterDay[]> {
  const out = new Map<string, RegisterDay[]>();
  for (const row of rows) {
    const days = out.get(row.pupilId) ?? [];
    for (const line of row.marks.split("\n")) {
      const day = `${row.month}-${line.slice(0, 2)}`;
      if (day >= since) days.push({ day, kind: line.slice(line.lastIndexOf("\t") + 1) as MarkKind });
    }
    // A pupil with no day since then is not in the answer, as if the days were rows.
    if (days.length > 0) out.set(row.pupilId, days);
  }
  return out;
}

function sortedLines(lines: string[]): string {
  // Lines start with a two-digit day: in order as text is in order by day. Exports list them in
  // order, so look before sorting.
  for (let i = 1; i < lines.length; i++)
    if ((lines[i - 1] as string) > (lines[i] as string)) {
      lines.sort();
      break;
    }
  return lines.join("\n");
}

/**
 * Each day's "\tam\tpm\tkind", made once for each pair of marks the batch has (a few dozen), not
 * once a day. Per batch: the same marks can mean another kind under another school's mapping.
 */
function dayText(): (day: ParsedDay) => string {
  const made = new Map<string | null, Map<string | null, { kind: string; text: string }>>();
  return (day) => {
    let byPm = made.get(day.am);
    if (!byPm) {
      byPm = new Map();
      made.set(day.am, byPm);
    }
    let known = byPm.get(day.pm);
    if (known?.kind !== day.kind) {
      known = { kind: day.kind, text: `\t${day.am ?? ""}\t${day.pm ?? ""}\t${day.kind}` };
      byPm.set(day.pm, known);
    }
    return known.text;
  };
}
