import { z } from "zod";
import { type CodeMapping, DFE_CODES } from "./mark-codes.js";

// No spaces: a code is stored between tabs (src/persistence/register-months.ts), and no MIS writes one.
const codes = z.array(z.string().min(1).max(4).regex(/^\S+$/, "a mark code has no spaces")).optional();

/** A column named one way or another: the first header present in the file is used. */
const column = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
  .transform((value) => (Array.isArray(value) ? value : [value]));

/**
 * How to read one MIS's register export: which column is which (header names, any case), how dates
 * are written, and which mark codes mean what. See attendance/mappings/README.md.
 */
export const registerMappingSchema = z.object({
  columns: z.object({
    pupilId: column,
    name: column.optional(),
    forename: column.optional(),
    surname: column.optional(),
    date: column,
    /** One row per session: the AM/PM column and the mark column. */
    session: column.optional(),
    mark: column.optional(),
    /** One row per day: a column for each session, or `mark` alone for a whole-day mark. */
    am: column.optional(),
    pm: column.optional(),
    address: column.optional(),
    /** Address lines joined with ", " when there is no single address column. */
    addressLines: z.array(z.string().min(1)).optional(),
  }),
  dateFormat: z.enum(["auto", "DD/MM/YYYY", "YYYY-MM-DD"]).default("auto"),
  /** Each list given replaces the DfE's list of that name; a list left out keeps the DfE's. */
  codes: z
    .object({
      present: codes,
      authorised: codes,
      unauthorised: codes,
      notRequired: codes,
      noContact: codes,
      knownWhereabouts: codes,
    })
    .default({}),
});

export type RegisterMapping = z.infer<typeof registerMappingSchema>;

/** The codes a mapping uses: its own lists, the DfE's where it gives none. */
export function mappingCodes(mapping: RegisterMapping): CodeMapping {
  const own = Object.fromEntries(Object.entries(mapping.codes).filter(([, list]) => list !== undefined));
  return { ...DFE_CODES, ...own };
}
