import { z } from "zod";

/**
 * What one register mark means for homevisit's triggers. `no_contact` is an unauthorised absence
 * with no reason from home yet (N); `away` is an absence whose whereabouts are known (a holiday),
 * which does not count towards "eyes on"; `away_unauthorised` is the same, unauthorised (G).
 */
export type MarkKind = "present" | "authorised" | "unauthorised" | "no_contact" | "away" | "away_unauthorised" | "not_required";

/** The kinds that are an absence nobody has explained. */
export const UNEXPLAINED: ReadonlySet<MarkKind> = new Set(["unauthorised", "no_contact"]);
/** The kinds the council counts as unauthorised (PNAR). */
export const UNAUTHORISED: ReadonlySet<MarkKind> = new Set(["unauthorised", "no_contact", "away_unauthorised"]);
/** The kinds in which nobody from school has seen the child and nobody knows where they are. */
export const NOT_SEEN: ReadonlySet<MarkKind> = new Set(["authorised", "unauthorised", "no_contact"]);

const codeList = z.array(z.string().min(1).max(4).regex(/^\S+$/, "a mark code has no spaces")).default([]);

/**
 * Which codes are which, as the school's MIS writes them. The defaults are the DfE's national
 * codes (both the pre-2024 letters and the 2024 sub-codes); a school adds its own in the mapping file.
 */
export const codeMappingSchema = z.object({
  present: codeList,
  authorised: codeList,
  unauthorised: codeList,
  notRequired: codeList,
  /** Unauthorised codes that mean no reason has come from home yet (DfE N). */
  noContact: codeList,
  /** Absence codes whose whereabouts are known (holidays), never counted as "not seen". */
  knownWhereabouts: codeList,
});

export type CodeMapping = z.infer<typeof codeMappingSchema>;

export const DFE_CODES: CodeMapping = {
  present: ["/", "\\", "L", "B", "D", "J", "J1", "K", "P", "V", "W"],
  authorised: ["C", "C1", "C2", "E", "H", "I", "M", "R", "S", "T", "Q"],
  unauthorised: ["G", "N", "O", "U"],
  notRequired: ["X", "Y", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7", "Z", "#"],
  noContact: ["N"],
  knownWhereabouts: ["G", "H"],
};

/** What a mark means under `mapping`, or null when the mapping does not know the code. */
export function classifyMark(code: string, mapping: CodeMapping): MarkKind | null {
  const c = normaliseCode(code);
  const has = (list: readonly string[]) => list.some((known) => normaliseCode(known) === c);
  const known = has(mapping.knownWhereabouts);
  if (has(mapping.present)) return "present";
  if (has(mapping.notRequired)) return "not_required";
  if (has(mapping.unauthorised)) return known ? "away_unauthorised" : has(mapping.noContact) ? "no_contact" : "unauthorised";
  if (has(mapping.authorised)) return known ? "away" : "authorised";
  return null;
}

/** Codes as people write them: trimmed, letters in capitals ("n" is N). */
export function normaliseCode(code: string): string {
  return code.trim().toUpperCase();
}

/** Most to least telling: a day with one present session was "eyes on"; otherwise its gravest absence. */
const PRIORITY: readonly MarkKind[] = [
  "present",
  "no_contact",
  "unauthorised",
  "away_unauthorised",
  "authorised",
  "away",
  "not_required",
];

/** The day as a whole, from its sessions' marks (AM and PM, or one mark for the day). */
export function dayKind(kinds: readonly MarkKind[]): MarkKind {
  for (const kind of PRIORITY) if (kinds.includes(kind)) return kind;
  return "not_required";
}
