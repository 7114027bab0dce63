import { z } from "zod";
import type { Policy } from "./policy.js";
import type { Directory } from "./school-directory.js";

/** A school's id: short, lower case, stable (it is in every row the school owns). */
export const schoolIdSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,39}$/, "use 2–40 lower-case letters, digits or -, starting with a letter (e.g. st-peters)");

/** A school homevisit serves: its policy in force (with its version) and its people, roles and channels. */
export interface School {
  id: string;
  name: string;
  timezone: string;
  policy: Policy;
  directory: Directory;
  /** The checksum of SCHOOL_FILE's directory when it last seeded the school (unset: not seeded from a file). */
  directorySeed?: string;
}

/** One version of a school's policy, as the history lists it. */
export interface PolicyVersion {
  version: string;
  checksum: string;
  createdAt: Date;
}

/** A new school's id from its name ("St Peter's C of E Primary" → st-peters-c-of-e-primary), unique among `taken`. */
export function schoolIdFor(name: string, taken: ReadonlySet<string>): string {
  const base =
    `s-${name}`
      .normalize("NFKD")
      .toLowerCase()
      .replace(/['’]/g, "")
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^s-(?=[a-z])/, "")
      .replace(/^-+|-+$/g, "")
      .slice(0, 36)
      .replace(/-+$/, "") || "school";
  let id = base.length >= 2 ? base : `${base}-school`;
  for (let n = 2; taken.has(id); n += 1) id = `${base}-${n}`;
  return id;
}
