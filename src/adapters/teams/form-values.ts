import { schoolTimeToInstant } from "../../domain/school-wall-clock.js";

/** An `Action.Execute` data object: the action's own data plus every input on the card, by id. */
export type CardData = Record<string, unknown>;

/** Keys the buttons themselves carry, not inputs a person filled in. */
const BUTTON_KEYS = new Set(["visitId", "metadata"]);

function asText(value: unknown): string | undefined {
  if (typeof value === "string") return value.trim();
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return undefined;
}

/**
 * Card inputs as the form's values by field id (all strings, as the forms expect). A date input and
 * a time input named `<field>_date` and `<field>_time` make one datetime field, read in the school's
 * time zone and given as an ISO instant; half of one is "not a date", which the form refuses.
 */
export function readCardValues(data: CardData, timezone: string): Record<string, string> {
  const values: Record<string, string> = {};
  const paired = new Set<string>();
  for (const key of Object.keys(data)) {
    if (!key.endsWith("_date") || !(`${key.slice(0, -5)}_time` in data)) continue;
    const base = key.slice(0, -5);
    paired.add(key).add(`${base}_time`);
    const date = asText(data[key]) ?? "";
    const time = asText(data[`${base}_time`]) ?? "";
    if (date && time) values[base] = schoolTimeToInstant(date, time, timezone)?.toISOString() ?? "not a date";
    else if (date || time) values[base] = "not a date";
  }
  for (const [key, raw] of Object.entries(data)) {
    if (BUTTON_KEYS.has(key) || paired.has(key)) continue;
    const value = asText(raw);
    if (value !== undefined) values[key] = value;
  }
  return values;
}

/** The text a button carried (its visit id, the form's metadata). */
export function carried(data: CardData, key: string): string {
  return asText(data[key]) ?? "";
}
