import { type MarkKind, NOT_SEEN, UNAUTHORISED, UNEXPLAINED } from "./mark-codes.js";

/** One pupil's register day, as stored. */
export interface RegisterDay {
  day: string;
  kind: MarkKind;
}

/** A run of absence days ending on the latest register day. */
export interface AbsenceRun {
  /** The school days of the run, oldest first. */
  days: string[];
}

export interface CurrentAbsence {
  /** Days nobody from school has seen the child, whereabouts unknown ("eyes on"). */
  notSeen: AbsenceRun;
  /** Days of absence nobody has explained (no contact, or unauthorised). */
  unexplained: AbsenceRun;
  /** Consecutive unauthorised school days (the council's count). */
  unauthorised: AbsenceRun;
  /** The latest day was "no reason from home yet". */
  noContactToday: boolean;
}

/**
 * The absence the pupil is in now, as of `latest` (the school's latest register day): each run
 * counts back from that day over the days the register has, skipping days no mark was required
 * (weekends and closures are simply not in the register). A pupil whose own register stops before
 * `latest` is not in a current absence.
 */
export function currentAbsence(days: readonly RegisterDay[], latest: string): CurrentAbsence {
  const sorted = [...days].filter((d) => d.kind !== "not_required").sort((a, b) => (a.day < b.day ? -1 : 1));
  const last = sorted.at(-1);
  const current = !!last && last.day === latest;
  const runOf = (kinds: ReadonlySet<MarkKind>): AbsenceRun => {
    const run: string[] = [];
    if (!current) return { days: run };
    for (let i = sorted.length - 1; i >= 0; i--) {
      const day = sorted[i] as RegisterDay;
      if (!kinds.has(day.kind)) break;
      run.unshift(day.day);
    }
    return { days: run };
  };
  return {
    notSeen: runOf(NOT_SEEN),
    unexplained: runOf(UNEXPLAINED),
    unauthorised: runOf(UNAUTHORISED),
    noContactToday: current && last?.kind === "no_contact",
  };
}

/** Attendance per calendar month (YYYY-MM → share of the days a mark was required that were present). */
export function monthlyAttendance(days: readonly RegisterDay[]): Map<string, number> {
  const totals = new Map<string, { present: number; possible: number }>();
  for (const { day, kind } of days) {
    if (kind === "not_required") continue;
    const month = day.slice(0, 7);
    const total = totals.get(month) ?? { present: 0, possible: 0 };
    total.possible += 1;
    if (kind === "present") total.present += 1;
    totals.set(month, total);
  }
  const out = new Map<string, number>();
  for (const [month, { present, possible }] of [...totals].sort(([a], [b]) => (a < b ? -1 : 1)))
    out.set(month, present / possible);
  return out;
}

export interface FallingRun {
  /** The month before the first fall: where the run started. */
  from: string;
  /** Each month's attendance, oldest first, the first being `from`. */
  months: { month: string; rate: number }[];
}

/**
 * The run of complete months (before `thisMonth`) in which attendance fell each month, ending with
 * the last complete month; null when last month did not fall.
 */
export function fallingAttendance(days: readonly RegisterDay[], thisMonth: string): FallingRun | null {
  const months = [...monthlyAttendance(days)].filter(([month]) => month < thisMonth);
  let start = months.length - 1;
  while (start > 0 && (months[start]?.[1] ?? 0) < (months[start - 1]?.[1] ?? 0)) start--;
  if (start >= months.length - 1) return null;
  const run = months.slice(start).map(([month, rate]) => ({ month, rate }));
  return { from: run[0]?.month ?? "", months: run };
}
