import { randomInt } from "node:crypto";

// No 0/O, 1/I/L: people read these ids aloud on the phone.
const alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/** A short id people can say and type, e.g. "HV-7K3QD". */
export function newVisitId(): string {
  let id = "";
  for (let i = 0; i < 5; i++) id += alphabet[randomInt(alphabet.length)];
  return `HV-${id}`;
}

export function normaliseVisitId(text: string): string {
  const compact = text.trim().toUpperCase();
  return compact.startsWith("HV-") ? compact : `HV-${compact}`;
}
