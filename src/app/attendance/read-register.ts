import type { Readable } from "node:stream";
import { parse } from "csv-parse";
import type { ParsedDay, ParsedPupil, RegisterError } from "../../domain/attendance/parse-register.js";
import { RegisterReader } from "../../domain/attendance/parse-register.js";
import { mappingCodes, type RegisterMapping } from "../../domain/attendance/register-mapping.js";

export interface ReadRegister {
  pupils: ParsedPupil[];
  days: ParsedDay[];
  rows: number;
  errors: RegisterError[];
  /** Errors beyond those listed (a file with thousands of bad rows lists the first 50). */
  moreErrors: number;
}

/**
 * A register export (CSV text or a stream) read through `mapping`: every bad row by its line number,
 * or every pupil and day. `onProgress` hears the rows read so far, every 20,000 rows.
 */
export function readRegister(
  input: string | Readable,
  mapping: RegisterMapping,
  onProgress?: (rows: number) => void,
): Promise<ReadRegister> {
  // relax_column_count: a short row is reported by what is missing from it, not as a parse failure.
  // Line numbers come from the parser's own count (per-record `info` objects would double the time).
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true });
  let reader: RegisterReader | null = null;
  const errors: RegisterError[] = [];
  return new Promise((resolve) => {
    parser.on("data", (record: string[]) => {
      if (!reader) {
        reader = new RegisterReader(record, mapping, mappingCodes(mapping));
        return;
      }
      if (!reader.readable) return;
      reader.add(parser.info.lines, record);
      if (onProgress && reader.rows % 20_000 === 0) onProgress(reader.rows);
    });
    parser.on("error", (error: Error & { lines?: number }) => {
      errors.push({
        line: error.lines ?? parser.info.lines,
        message: `the file is not a readable CSV: ${error.message.split("\n")[0]}`,
      });
      resolve(finish(reader, errors, onProgress));
    });
    parser.on("end", () => resolve(finish(reader, errors, onProgress)));
    if (typeof input === "string") parser.end(input);
    else {
      input.on("error", (error) => parser.destroy(error));
      input.pipe(parser);
    }
  });
}

function finish(reader: RegisterReader | null, errors: RegisterError[], onProgress?: (rows: number) => void): ReadRegister {
  if (!reader)
    return { pupils: [], days: [], rows: 0, errors: [...errors, { line: 1, message: "the file is empty" }], moreErrors: 0 };
  onProgress?.(reader.rows);
  const all = [...reader.errors, ...errors];
  if (all.length > 0)
    return {
      pupils: [],
      days: [],
      rows: reader.rows,
      errors: all,
      moreErrors: Math.max(0, reader.totalErrors - reader.errors.length),
    };
  return { pupils: [...reader.pupils.values()], days: reader.result(), rows: reader.rows, errors: [], moreErrors: 0 };
}
