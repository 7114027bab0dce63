import type { DomainError, DomainErrorCode } from "../../domain/domain-error.js";

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
  const extra = advice[error.code];
  return extra ? `${error.message} ${extra}` : error.message;
}
