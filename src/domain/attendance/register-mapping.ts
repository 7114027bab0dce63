import { z } from "zod";
import { codeMappingSchema, DFE_CODES } from "./mark-codes.js";

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
  codes: codeMappingSchema.partial().default({}),
});

export type RegisterMapping = z.infer<typeof registerMappingSchema>;

/** The codes a mapping uses: its own lists, the DfE's where it gives none. */
export function mappingCodes(mapping: RegisterMapping) {
  return { ...DFE_CODES, ...Object.fromEntries(Object.entries(mapping.codes).filter(([, list]) => list !== undefined)) };
}
