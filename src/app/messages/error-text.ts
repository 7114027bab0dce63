import type { DomainError, DomainErrorCode } from "../../domain/domain-error.js";
import { whomToAsk } from "./people-messages.js";

/**
 * The one place a DomainError becomes words for a person. Most codes carry a message written for
 * users already; these say what to do next where the code alone decides it.
 */
const advice: Partial<Record<DomainErrorCode, string>> = {
  "visit-not-found": "Check the visit id (it looks like HV-7K3QD): /homevisit status lists yours.",
  "stale-visit": "Someone else changed this visit at the same moment. Look at the card again and retry.",
  "unknown-staff": "Ask your school's homevisit admin to add you to the staff directory.",
};

export function errorText(error: DomainError): string {
  // Someone new is told whom to ask, by name, when the school has admins.
  const admins = error.details.admins;
  if (error.code === "unknown-staff" && Array.isArray(admins) && admins.length > 0)
    return `${error.message} ${whomToAsk(admins.map(String)).replace(/\.$/, "")} to add you to the staff directory.`;
  const extra = advice[error.code];
  return extra ? `${error.message} ${extra}` : error.message;
}

/** A message homevisit could not store (the database did not answer): said at once, so they send it again. */
export const NOT_RECORDED = "Sorry, homevisit could not record that just now. Please send it again, or phone the school office.";

/** Anything else that failed unexpectedly; the details are in the log, never shown. */
export const SOMETHING_WRONG = "Sorry, that did not go through (it has been logged). Please try again in a moment.";
