import type { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import type { ParsedDay, ParsedPupil, RegisterError } from "../../domain/attendance/parse-register.js";
import { RegisterReader } from "../../domain/attendance/parse-register.js";
import { mappingCodes, type RegisterMapping } from "../../domain/attendance/register-mapping.js";
import { CsvError, CsvRecords } from "./csv-records.js";

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
export async function readRegister(
  input: string | Readable,
  mapping: RegisterMapping,
  onProgress?: (rows: number) => void,
): Promise<ReadRegister> {
  let reader: RegisterReader | null = null;
  let lastLine = 0;
  const errors: RegisterError[] = [];
  // Short rows are kept as they are: a row is reported by what is missing from it, not as a parse failure.
  const records = new CsvRecords((cells, line) => {
    lastLine = line;
    if (!reader) {
      reader = new RegisterReader(cells, mapping, mappingCodes(mapping));
      return;
    }
    if (!reader.readable) return;
    reader.add(line, cells);
    if (onProgress && reader.rows % 20_000 === 0) onProgress(reader.rows);
  });
  try {
    if (typeof input === "string") records.push(input);
    else {
      const decoder = new StringDecoder("utf8");
      for await (const chunk of input) records.push(typeof chunk === "string" ? chunk : decoder.write(chunk));
      records.push(decoder.end());
    }
    records.end();
  } catch (error) {
    const line = error instanceof CsvError ? error.line : lastLine + 1;
    const message = error instanceof Error ? error.message : String(error);
    errors.push({ line, message: `the file is not a readable CSV: ${message.split("\n")[0]}` });
  }
  return finish(reader, errors, onProgress);
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
