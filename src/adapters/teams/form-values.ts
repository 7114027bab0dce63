import type { NeutralForm } from "../../app/messages/neutral-message.js";
import { schoolTimeToInstant } from "../../domain/school-wall-clock.js";
import type { Conditions } from "../../domain/visit.js";
import { DECISION_INPUTS } from "./adaptive-card.js";

/** An `Action.Execute` data object: the action's own data plus every input on the card, by id. */
export type CardData = Record<string, unknown>;

export function asCardData(value: unknown): CardData {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as CardData) : {};
}

export function text(data: CardData, ...keys: string[]): string {
  for (const key of keys) {
    const value = data[key];
    if (value !== undefined && value !== null && String(value).trim() !== "") return String(value).trim();
  }
  return "";
}

export function flag(data: CardData, ...keys: string[]): boolean {
  return keys.some((key) => {
    const value = data[key];
    return value === true || (typeof value === "string" && /^(true|on|yes|1)$/i.test(value.trim()));
  });
}

/**
 * Card inputs → the form's values by field id (all strings, as formToRequest expects). A date and
 * a time input make one datetime field, read in the school's time zone and given as an ISO instant.
 */
export function readFormValues(form: NeutralForm, data: CardData, timezone: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const field of form.fields) {
    if (field.kind === "datetime") {
      const date = text(data, `${field.id}_date`);
      const time = text(data, `${field.id}_time`);
      const whole = text(data, field.id);
      if (date && time) values[field.id] = schoolTimeToInstant(date, time, timezone)?.toISOString() ?? "not a date";
      else if (whole) values[field.id] = whole;
      else values[field.id] = date || time ? "not a date" : "";
    } else if (field.kind === "checkbox") {
      values[field.id] = flag(data, field.id) ? "true" : "false";
    } else {
      values[field.id] = text(data, field.id);
    }
  }
  return values;
}

/** The approver's conditions, from the "Approve with conditions" panel. */
export function readConditions(data: CardData): Conditions {
  const note = text(data, DECISION_INPUTS.note, "conditions_note", "condition_note");
  return {
    requirePair: flag(data, DECISION_INPUTS.requirePair, "requirePair", "pair", "conditions_pair"),
    policeAccompaniment: flag(data, DECISION_INPUTS.police, "policeAccompaniment", "police_accompaniment", "conditions_police"),
    ...(note ? { note } : {}),
  };
}

export function readDeclineReason(data: CardData): string {
  return text(data, DECISION_INPUTS.reason, "decline_reason");
}
