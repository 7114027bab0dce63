import { randomInt } from "node:crypto";

/**
 * No vowels (A, E, I, O, U, nor Y, which stands in for one), so an id cannot spell a word
 * ("HV-JUNK4" happened); and no 0/O, 1/I/L, since people read these ids aloud on the phone.
 * 27 characters: 27^5 ≈ 14 million ids.
 */
const alphabet = "23456789BCDFGHJKMNPQRSTVWXZ";

/** A short id people can say and type, e.g. "HV-7K3QD". */
export function newVisitId(): string {
  let id = "";
  for (let i = 0; i < 5; i++) id += alphabet[randomInt(alphabet.length)];
  return `HV-${id}`;
}

/** The id as stored, from what a person typed: any case, with or without "HV-". */
export function normaliseVisitId(text: string): string {
  const compact = text.trim().toUpperCase();
  return compact.startsWith("HV-") ? compact : `HV-${compact}`;
}
