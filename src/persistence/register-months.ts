import type { RegisterDay } from "../domain/attendance/episodes.js";
import type { MarkKind } from "../domain/attendance/mark-codes.js";
import type { ParsedDay } from "../domain/attendance/parse-register.js";

/** One AttendanceMonth row to write: its marks as the JSON text PostgreSQL reads into jsonb. */
export interface MonthRow {
  pupilId: string;
  month: string;
  marks: string;
  days: number;
}

/** What one day of a month holds: the AM and PM marks and the day as a whole. */
type StoredDay = [am: string | null, pm: string | null, kind: MarkKind];

/**
 * Days grouped into a row per pupil and month, {"07": [am, pm, kind], …}. The JSON is written by
 * hand, one string per row: a year's 380,000 days would otherwise be as many small arrays to build.
 */
export function toMonthRows(days: readonly ParsedDay[]): MonthRow[] {
  const rows = new Map<string, { pupilId: string; month: string; parts: string[] }>();
  let last: { pupilId: string; month: string; parts: string[] } | undefined;
  const marksOf = dayJson();
  for (const day of days) {
    const month = day.day.slice(0, 7);
    if (!last || last.pupilId !== day.pupilId || last.month !== month) {
      const key = `${day.pupilId}\n${month}`;
      last = rows.get(key);
      if (!last) {
        last = { pupilId: day.pupilId, month, parts: [] };
        rows.set(key, last);
      }
    }
    last.parts.push(`"${day.day.slice(8)}":${marksOf(day)}`);
  }
  return [...rows.values()].map((row) => ({
    pupilId: row.pupilId,
    month: row.month,
    marks: `{${row.parts.join(",")}}`,
    days: row.parts.length,
  }));
}

/**
 * Each day's `[am, pm, kind]` as JSON, made once for each pair of marks the batch has (a few dozen),
 * not once a day. Per batch: the same marks can mean another kind under another school's mapping.
 */
function dayJson(): (day: ParsedDay) => string {
  const made = new Map<string | null, Map<string | null, { kind: string; json: string }>>();
  return (day) => {
    let byPm = made.get(day.am);
    if (!byPm) {
      byPm = new Map();
      made.set(day.am, byPm);
    }
    let known = byPm.get(day.pm);
    if (known?.kind !== day.kind) {
      known = { kind: day.kind, json: `[${mark(day.am)},${mark(day.pm)},"${day.kind}"]` };
      byPm.set(day.pm, known);
    }
    return known.json;
  };
}

function mark(code: string | null): string {
  return code === null ? "null" : JSON.stringify(code);
}

/** Stored month rows (ordered by pupil and month) back into each pupil's days from `since` on, oldest first. */
export function fromMonthRows(
  rows: readonly { pupilId: string; month: string; marks: string }[],
  since: string,
): Map<string, RegisterDay[]> {
  const out = new Map<string, RegisterDay[]>();
  for (const row of rows) {
    const marks = JSON.parse(row.marks) as Record<string, StoredDay>;
    const days = out.get(row.pupilId) ?? [];
    for (const dd of Object.keys(marks).sort()) {
      const day = `${row.month}-${dd}`;
      if (day >= since) days.push({ day, kind: (marks[dd] as StoredDay)[2] });
    }
    // A pupil with no day since then is not in the answer, as if the days were rows.
    if (days.length > 0) out.set(row.pupilId, days);
  }
  return out;
}
