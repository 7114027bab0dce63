import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { CsvError, CsvRecords } from "../../src/app/attendance/csv-records.js";

/** Records and their lines, the text handed over in pieces of `size` characters. */
function read(text: string, size = text.length || 1): { cells: string[]; line: number }[] {
  const out: { cells: string[]; line: number }[] = [];
  const records = new CsvRecords((cells, line) => out.push({ cells, line }));
  for (let at = 0; at < text.length; at += size) records.push(text.slice(at, at + size));
  records.end();
  return out;
}

function failure(text: string, size?: number): CsvError {
  try {
    read(text, size);
  } catch (error) {
    if (error instanceof CsvError) return error;
    throw error;
  }
  throw new Error("read without an error");
}

/** A deterministic random field: plain, or with commas, quotes, line breaks (LF and CRLF), spaces. */
function field(next: () => number): string {
  const pieces = ["a", "Lincoln", " ", ",", '"', "\n", "\r\n", "12", "O'Neil", "é", ""];
  let text = "";
  for (let n = Math.floor(next() * 5); n > 0; n--) text += pieces[Math.floor(next() * pieces.length)];
  return text;
}

function quote(text: string): string {
  return /[",\r\n]/.test(text) || text === "" ? `"${text.replace(/"/g, '""')}"` : text;
}

describe("reading CSV a line at a time (register exports)", () => {
  it("reads quoted commas, doubled quotes and line breaks in quotes, and numbers each record by the line it starts on", () => {
    const text = '\uFEFFUPN,Address\r\nA1,"1 Lane, Lincoln"\r\n\r\nA2,"say ""hi"""\nA3,"two\nlines",x\nA4,';
    expect(read(text)).toEqual([
      { cells: ["UPN", "Address"], line: 1 },
      { cells: ["A1", "1 Lane, Lincoln"], line: 2 },
      { cells: ["A2", 'say "hi"'], line: 4 },
      { cells: ["A3", "two\nlines", "x"], line: 5 },
      { cells: ["A4", ""], line: 7 },
    ]);
  });

  it("reads the same records as csv-parse, however the text is cut into pieces", () => {
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let round = 0; round < 500; round++) {
      const rows = Array.from({ length: 1 + Math.floor(next() * 6) }, () =>
        Array.from({ length: 1 + Math.floor(next() * 4) }, () => field(next)),
      );
      const newline = next() < 0.5 ? "\n" : "\r\n";
      const text = rows.map((row) => row.map(quote).join(",")).join(newline) + (next() < 0.5 ? newline : "");
      const expected = parse(text, { relax_column_count: true, skip_empty_lines: true }) as string[][];
      const size = 1 + Math.floor(next() * 12);
      expect(
        read(text, size).map((r) => r.cells),
        `${JSON.stringify(text)} in pieces of ${size}`,
      ).toEqual(expected);
      expect(expected).toEqual(rows);
    }
  });

  it("reads lines ended by CR alone (old Mac exports)", () => {
    expect(read("UPN,Mark\rA1,/\rA2,N\r").map((r) => r.cells)).toEqual([
      ["UPN", "Mark"],
      ["A1", "/"],
      ["A2", "N"],
    ]);
  });

  it("says where a file is not CSV: a quote left open, text after a closing quote, a quote inside a field", () => {
    expect(failure('UPN,Address\nA1,"1 Lane\nA2,x\n')).toMatchObject({ line: 2, message: expect.stringMatching(/not closed/) });
    expect(failure('UPN,Address\nA1,"1 Lane"x,y\n', 5)).toMatchObject({
      line: 2,
      message: expect.stringMatching(/after its closing quote/),
    });
    expect(failure('UPN,Address\nA1,x\nA2,1 "Lane"\n', 3)).toMatchObject({
      line: 3,
      message: expect.stringMatching(/middle of a field/),
    });
  });

  it("does not swallow the rest of a large file into a quote left open", () => {
    const lines = ["UPN,Address", 'A0,"1 Lane', ...Array.from({ length: 100_000 }, (_, i) => `A${i},x`)];
    const started = Date.now();
    expect(failure(lines.join("\n"), 65_536)).toMatchObject({
      line: 2,
      message: expect.stringMatching(/not closed within 50 lines/),
    });
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
