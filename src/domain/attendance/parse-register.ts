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

/**
 * Reads a register export row by row: every bad row is reported by its line number (a missing
 * pupil id, a date that is not a date, a session that is neither AM nor PM, a code the mapping does
 * not know), and nothing is kept from a file with any. Blank marks (a session not taken yet) are skipped.
 */
export class RegisterReader {
  readonly pupils = new Map<string, ParsedPupil>();
  private readonly days = new Map<
    string,
    { pupilId: string; day: string; am: string | null; pm: string | null; kind?: MarkKind }
  >();
  readonly errors: RegisterError[] = [];
  private errorCount = 0;
  rows = 0;
  private readonly layout: Layout;
  private readonly known = new Map<string, MarkKind | null>();
  private readonly dates = new Map<string, string | null>();
  private readonly codes_ = new Map<string, string>();

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
    const cell = (at: number) => (at >= 0 ? (cells[at] ?? "").trim() : "");
    const pupilId = cell(l.pupilId);
    if (!pupilId) {
      if (cells.every((value) => !value.trim())) return;
      this.fail(line, "no pupil id");
      return;
    }
    const rawDate = cell(l.date);
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
    const known = this.pupils.get(pupilId);
    if (!known || (l.address >= 0 && !known.address && cell(l.address))) {
      const name = l.name >= 0 ? cell(l.name) : [cell(l.forename), cell(l.surname)].filter(Boolean).join(" ");
      if (!name) {
        this.fail(line, "no pupil name");
        return;
      }
      const address = cell(l.address) || l.addressLines.map(cell).filter(Boolean).join(", ");
      this.pupils.set(pupilId, { pupilId, name, ...(address ? { address } : {}) });
    }

    const key = `${pupilId} ${day}`;
    const entry = this.days.get(key) ?? { pupilId, day, am: null, pm: null };
    if (l.session >= 0 && l.mark >= 0) {
      const session = readSession(cell(l.session));
      if (!session) {
        this.fail(line, `session "${cell(l.session).slice(0, 20)}" is neither AM nor PM`);
        return;
      }
      const mark = cell(l.mark);
      if (mark && !this.check(line, mark)) return;
      if (mark) entry[session === "AM" ? "am" : "pm"] = this.code(mark);
    } else if (l.am >= 0 || l.pm >= 0) {
      for (const [at, session] of [
        [l.am, "am"],
        [l.pm, "pm"],
      ] as const) {
        const mark = cell(at);
        if (mark && !this.check(line, mark)) return;
        if (mark) entry[session] = this.code(mark);
      }
    } else {
      const mark = cell(l.mark);
      if (mark && !this.check(line, mark)) return;
      if (mark) entry.am = this.code(mark);
    }
    if (entry.am !== null || entry.pm !== null) this.days.set(key, entry);
  }

  /** Every day read, with what it means as a whole. */
  result(): ParsedDay[] {
    const out: ParsedDay[] = [];
    const byMarks = new Map<string, MarkKind>();
    for (const entry of this.days.values()) {
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

  private check(line: number, mark: string): boolean {
    if (this.kindOf(mark) !== null) return true;
    this.fail(
      line,
      `unknown mark code "${mark.slice(0, 8)}": add it to the mapping file's codes (present, authorised, unauthorised or notRequired)`,
    );
    return false;
  }

  /** The code as stored: one string per distinct code, not one per row. */
  private code(mark: string): string {
    let code = this.codes_.get(mark);
    if (code === undefined) {
      code = normaliseCode(mark);
      this.codes_.set(mark, code);
    }
    return code;
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
