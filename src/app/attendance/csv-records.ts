/** A file that is not CSV: where, and what is wrong, in the words of the row's line. */
export class CsvError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

const MAX_BREAKS = 50;

/**
 * RFC 4180 records from text that comes in pieces: fields in double quotes may hold commas, quotes
 * ("") and line breaks; a byte-order mark is dropped; empty lines are skipped; rows may have any
 * number of fields. Each record is handed on with the line it starts on (the first line is 1).
 *
 * Written for register exports of a million rows: a line without a quote (nearly all of them) is
 * one `split`, so reading costs little more than the text itself. A general parser builds each
 * field a character at a time, several times slower.
 */
export class CsvRecords {
  private rest = "";
  private line = 1;
  private started = false;
  private decided = false;
  private newline = "\n";

  constructor(private readonly onRecord: (cells: string[], line: number) => void) {}

  push(chunk: string): void {
    let text = this.rest + chunk;
    if (!this.started) {
      if (text.length === 0) return;
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (!this.decided && !this.decide(text, false)) {
      this.rest = text;
      return;
    }
    this.rest = text.slice(this.take(text, false));
  }

  /** The end of the text: a last line without a line break is a record too; an open quote is an error. */
  end(): void {
    if (!this.decided) this.decide(this.rest, true);
    if (this.rest) this.take(this.rest, true);
    this.rest = "";
  }

  /** Old Mac exports end lines with CR alone: so does this file if a good stretch of it has no LF. */
  private decide(text: string, final: boolean): boolean {
    if (text.includes("\n")) this.decided = true;
    else if (final || text.length >= 65_536) {
      this.decided = true;
      if (text.includes("\r")) this.newline = "\r";
    }
    return this.decided;
  }

  /** Hands on every whole record in `text`; returns where the unfinished rest begins. */
  private take(text: string, final: boolean): number {
    let pos = 0;
    // Where the next quote is: found once per quote, not once per line (a file may have none).
    let quote = text.indexOf('"');
    while (pos < text.length) {
      let stop = text.indexOf(this.newline, pos);
      if (stop < 0) {
        if (!final) return pos;
        stop = text.length;
      }
      if (quote >= 0 && quote < pos) quote = text.indexOf('"', pos);
      if (quote < 0 || quote >= stop) {
        const record = recordText(text, pos, stop);
        // Empty lines are skipped, but counted.
        if (record) this.onRecord(record.split(","), this.line);
        this.line += 1;
        pos = stop + 1;
        continue;
      }
      const next = this.quoted(text, pos, stop, final);
      if (next < 0) return pos;
      pos = next;
    }
    return pos;
  }

  /** A record with a quote in it, from `pos`: where the next one begins, or -1 when it runs past the text so far. */
  private quoted(text: string, pos: number, lineEnd: number, final: boolean): number {
    let stop = lineEnd;
    let breaks = 0;
    // A quoted field may hold line breaks: take more lines until its quotes close.
    let cells = quotedCells(recordText(text, pos, stop), this.line);
    while (!cells) {
      if (stop >= text.length) throw new CsvError(this.line, "a quoted field is not closed by the end of the file");
      // An address runs to a few lines; a quote left open would swallow the rest of the file.
      if (breaks === MAX_BREAKS) throw new CsvError(this.line, `a quoted field is not closed within ${MAX_BREAKS} lines`);
      const next = text.indexOf(this.newline, stop + 1);
      if (next < 0 && !final) return -1;
      stop = next < 0 ? text.length : next;
      breaks += 1;
      cells = quotedCells(recordText(text, pos, stop), this.line);
    }
    this.onRecord(cells, this.line);
    this.line += breaks + 1;
    return stop + 1;
  }
}

function recordText(text: string, from: number, stop: number): string {
  const end = stop > from && text.charCodeAt(stop - 1) === 13 ? stop - 1 : stop;
  return text.slice(from, end);
}

/**
 * The fields of a record with quotes in it, or null while a quoted field is still open at its end.
 * Unquoted fields are found by the next comma, quoted ones by the next quote that is not doubled.
 */
function quotedCells(record: string, line: number): string[] | null {
  const cells: string[] = [];
  let at = 0;
  for (;;) {
    let field: string;
    if (record.charCodeAt(at) === 34) {
      field = "";
      let from = at + 1;
      for (;;) {
        const close = record.indexOf('"', from);
        if (close < 0) return null;
        if (record.charCodeAt(close + 1) === 34) {
          field += record.slice(from, close + 1);
          from = close + 2;
          continue;
        }
        field += record.slice(from, close);
        at = close + 1;
        break;
      }
      if (at < record.length && record.charCodeAt(at) !== 44)
        throw new CsvError(line, "a quoted field has text after its closing quote");
    } else {
      const comma = record.indexOf(",", at);
      const end = comma < 0 ? record.length : comma;
      field = record.slice(at, end);
      if (field.includes('"')) throw new CsvError(line, "a quote in the middle of a field that does not start with one");
      at = end;
    }
    cells.push(field);
    if (at >= record.length) return cells;
    // A comma: another field follows, empty if the record ends here.
    at += 1;
    if (at === record.length) {
      cells.push("");
      return cells;
    }
  }
}
