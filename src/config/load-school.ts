import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { type RegisterMapping, registerMappingSchema } from "../domain/attendance/register-mapping.js";
import { type Policy, policySchema } from "../domain/policy.js";
import { type Directory, directorySchema } from "../domain/school-directory.js";
import { ConfigError, formatIssues } from "./config-error.js";

/** Reads a school's policy file (YAML or JSON); a bad file stops start-up with file, key and problem. */
export function loadPolicyFile(path: string): Policy {
  return parseFile(path, policySchema);
}

/** Reads a school's directory: staff, their roles and platform ids, and which channel is which. */
export function loadDirectoryFile(path: string): Directory {
  return parseFile(path, directorySchema);
}

/** Reads a register mapping file: which CSV column is which, and what each mark code means. */
export function loadRegisterMappingFile(path: string): RegisterMapping {
  return parseFile(path, registerMappingSchema);
}

function parseFile<S extends z.ZodType>(path: string, schema: S): z.infer<S> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(`${path} cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let data: unknown;
  try {
    data = path.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError(`${path} is not valid ${path.endsWith(".json") ? "JSON" : "YAML"}: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new ConfigError(formatIssues(path, parsed.error.issues));
  return parsed.data;
}
