import { type CodeMapping, classifyMark, dayKind, type MarkKind, normaliseCode } from "./mark-codes.js";
import type { RegisterMapping } from "./register-mapping.js";

export interface RegisterError {
  /** The line in the file (the header is line 1). */
  line: number;
  message: string;
}

export interface ParsedPupil {
  pupilId: string;
  name: string;
  address?: string;
}

export interface ParsedDay {
  pupilId: string;
  day: string;
  am: string | null;
  pm: string | null;
  kind: MarkKind;
}

/** Where each field is in a row, found once from the header. */
interface Layout {
  pupilId: number;
  name: number;
  forename: number;
  surname: number;
  date: number;
  session: number;
  mark: number;
  am: number;
  pm: number;
  address: number;
  addressLines: number[];
}

const MAX_ERRORS = 50;

interface DayEntry {
  pupilId: string;
  day: string;
  am: string | null;
  pm: string | null;
}

/** A cell, trimmed; "" for a column the file does not have or a short row. */
function cellAt(cells: readonly string[], at: number): string {
  return at >= 0 ? (cells[at] ?? "").trim() : "";
}

/**
 * Reads a register export row by row: every bad row is reported by its line number (a missing
 * pupil id, a date that is not a date, a session that is neither AM nor PM, a code the mapping does
 * not know), and nothing is kept from a file with any. Blank marks (a session not taken yet) are skipped.
 */
export class RegisterReader {
  readonly pupils = new Map<string, ParsedPupil>();
  /** Each pupil's days by date: two small lookups a row, where one key per pupil and day would be a string to build. */
  private readonly days = new Map<string, Map<string, DayEntry>>();
  private lastPupil = "";
  private lastDays: Map<string, DayEntry> | undefined;
  readonly errors: RegisterError[] = [];
  private errorCount = 0;
  rows = 0;
  private readonly layout: Layout;
  private readonly known = new Map<string, MarkKind | null>();
  private readonly dates = new Map<string, string | null>();
  /** Each mark as written: the code as stored (one string per distinct code), or null when unknown. */
  private readonly marks = new Map<string, string | null>();
  private readonly sessions = new Map<string, "am" | "pm" | null>();

  constructor(
    header: readonly string[],
    private readonly mapping: RegisterMapping,
    private readonly codes: CodeMapping,
  ) {
    const index = new Map(header.map((name, i) => [name.trim().toLowerCase(), i]));
    const find = (names: readonly string[] | undefined) => {
      for (const name of names ?? []) {
        const at = index.get(name.trim().toLowerCase());
        if (at !== undefined) return at;
      }
      return -1;
    };
    const c = mapping.columns;
    this.layout = {
      pupilId: find(c.pupilId),
      name: find(c.name),
      forename: find(c.forename),
      surname: find(c.surname),
      date: find(c.date),
      session: find(c.session),
      mark: find(c.mark),
      am: find(c.am),
      pm: find(c.pm),
      address: find(c.address),
      addressLines: (c.addressLines ?? []).map((name) => find([name])).filter((at) => at >= 0),
    };
    const l = this.layout;
    const missing = (what: string, names: readonly string[] | undefined) =>
      this.fail(1, `no ${what} column (looked for ${(names ?? []).map((n) => `"${n}"`).join(", ") || "none"})`);
    if (l.pupilId < 0) missing("pupil id", c.pupilId);
    if (l.date < 0) missing("date", c.date);
    if (l.name < 0 && (l.forename < 0 || l.surname < 0)) missing("name (or forename and surname)", c.name);
    if (l.mark < 0 && l.am < 0 && l.pm < 0) missing("mark (or AM and PM)", c.mark);
  }

  /** False once the header itself cannot be read: no row can be. */
  get readable(): boolean {
    return !this.errors.some((error) => error.line === 1);
  }

  get totalErrors(): number {
    return this.errorCount;
  }

  add(line: number, cells: readonly string[]): void {
    this.rows += 1;
    const l = this.layout;
    const pupilId = cellAt(cells, l.pupilId);
    if (!pupilId) {
      if (cells.every((value) => !value.trim())) return;
      this.fail(line, "no pupil id");
      return;
    }
    const rawDate = cellAt(cells, l.date);
    let day = this.dates.get(rawDate);
    if (day === undefined) {
      day = readDate(rawDate, this.mapping.dateFormat);
      this.dates.set(rawDate, day);
    }
    if (!day) {
      const format = this.mapping.dateFormat === "auto" ? "DD/MM/YYYY or YYYY-MM-DD" : this.mapping.dateFormat;
      this.fail(line, `"${rawDate.slice(0, 30)}" is not a date (use ${format})`);
      return;
    }
    const pupil = this.notePupil(line, pupilId, cells);
    if (!pupil) return;

    let am: string | null | undefined;
    let pm: string | null | undefined;
    if (l.session >= 0 && l.mark >= 0) {
      const rawSession = cellAt(cells, l.session);
      let session = this.sessions.get(rawSession);
      if (session === undefined) {
        session = readSession(rawSession)?.toLowerCase() as "am" | "pm" | undefined;
        this.sessions.set(rawSession, session ?? null);
      }
      if (!session) {
        this.fail(line, `session "${rawSession.slice(0, 20)}" is neither AM nor PM`);
        return;
      }
      const code = this.code(line, cellAt(cells, l.mark));
      if (code === undefined) return;
      if (session === "am") am = code;
      else pm = code;
    } else if (l.am >= 0 || l.pm >= 0) {
      am = l.am >= 0 ? this.code(line, cellAt(cells, l.am)) : null;
      if (am === undefined) return;
      pm = l.pm >= 0 ? this.code(line, cellAt(cells, l.pm)) : null;
      if (pm === undefined) return;
    } else {
      am = this.code(line, cellAt(cells, l.mark));
      if (am === undefined) return;
    }
    if (!am && !pm) return;
    // The pupil's own id string, not this row's copy: 380 days need not keep 380 rows' text alive.
    this.setDay(pupil.pupilId, day, am, pm);
  }

  /** The pupil's name and address, from the first row that has them. Null when the row has no name. */
  private notePupil(line: number, pupilId: string, cells: readonly string[]): ParsedPupil | null {
    const l = this.layout;
    const known = this.pupils.get(pupilId);
    if (known && (l.address < 0 || known.address || !cellAt(cells, l.address))) return known;
    const name =
      l.name >= 0 ? cellAt(cells, l.name) : [cellAt(cells, l.forename), cellAt(cells, l.surname)].filter(Boolean).join(" ");
    if (!name) {
      this.fail(line, "no pupil name");
      return null;
    }
    const address =
      cellAt(cells, l.address) ||
      l.addressLines
        .map((at) => cellAt(cells, at))
        .filter(Boolean)
        .join(", ");
    const pupil = { pupilId: known?.pupilId ?? pupilId, name, ...(address ? { address } : {}) };
    this.pupils.set(pupil.pupilId, pupil);
    return pupil;
  }

  /** A session's marks on the pupil's day (null or undefined: this row leaves that session as it was). */
  private setDay(pupilId: string, day: string, am: string | null | undefined, pm: string | null | undefined): void {
    if (pupilId !== this.lastPupil || !this.lastDays) {
      this.lastPupil = pupilId;
      this.lastDays = this.days.get(pupilId);
      if (!this.lastDays) {
        this.lastDays = new Map();
        this.days.set(pupilId, this.lastDays);
      }
    }
    const entry = this.lastDays.get(day);
    if (!entry) this.lastDays.set(day, { pupilId, day, am: am ?? null, pm: pm ?? null });
    else {
      if (am) entry.am = am;
      if (pm) entry.pm = pm;
    }
  }

  /** Every day read, with what it means as a whole. */
  result(): ParsedDay[] {
    const out: ParsedDay[] = [];
    const byMarks = new Map<string, MarkKind>();
    for (const days of this.days.values())
      for (const entry of days.values()) {
        const marks = `${entry.am}|${entry.pm}`;
        let kind = byMarks.get(marks);
        if (!kind) {
          const kinds = [entry.am, entry.pm].flatMap((code) => (code === null ? [] : [this.kindOf(code) ?? "not_required"]));
          kind = dayKind(kinds);
          byMarks.set(marks, kind);
        }
        (entry as ParsedDay).kind = kind;
        out.push(entry as ParsedDay);
      }
    return out;
  }

  /**
   * The mark as stored: null for a blank one (a session not taken yet), undefined (and the row
   * reported) for a code the mapping does not know.
   */
  private code(line: number, mark: string): string | null | undefined {
    if (!mark) return null;
    let code = this.marks.get(mark);
    if (code === undefined) {
      code = this.kindOf(mark) === null ? null : normaliseCode(mark);
      this.marks.set(mark, code);
    }
    if (code !== null) return code;
    this.fail(
      line,
      `unknown mark code "${mark.slice(0, 8)}": add it to the mapping file's codes (present, authorised, unauthorised or notRequired)`,
    );
    return undefined;
  }

  private kindOf(mark: string): MarkKind | null {
    const code = normaliseCode(mark);
    if (!this.known.has(code)) this.known.set(code, classifyMark(code, this.codes));
    return this.known.get(code) ?? null;
  }

  private fail(line: number, message: string): void {
    this.errorCount += 1;
    if (this.errors.length < MAX_ERRORS) this.errors.push({ line, message });
  }
}

const DMY = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T].*)?$/;
const YMD = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$/;

/** A register date as YYYY-MM-DD, or null. UK exports write day first. */
export function readDate(text: string, format: RegisterMapping["dateFormat"]): string | null {
  let parts: [string, string, string] | null = null;
  const ymd = format !== "DD/MM/YYYY" ? YMD.exec(text) : null;
  const dmy = !ymd && format !== "YYYY-MM-DD" ? DMY.exec(text) : null;
  if (ymd) parts = [ymd[1] as string, ymd[2] as string, ymd[3] as string];
  else if (dmy) parts = [dmy[3] as string, dmy[2] as string, dmy[1] as string];
  if (!parts) return null;
  const [y, m, d] = parts.map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** AM or PM, however the export writes it. */
export function readSession(text: string): "AM" | "PM" | null {
  const t = text.trim().toUpperCase();
  if (["AM", "A", "MORNING", "1", "AM SESSION"].includes(t)) return "AM";
  if (["PM", "P", "AFTERNOON", "2", "PM SESSION"].includes(t)) return "PM";
  return null;
}
