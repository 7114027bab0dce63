import type { Reach } from "../safety-effects.js";
import { classifyHours } from "../school-hours.js";
import type { Visit } from "../visit.js";

/**
 * Who a step reaches. Out of school hours the office is not there, so the responsible contact
 * named on the visit stands in for it (Ordsall's rule).
 */
export function resolveTargets(visit: Visit, notify: readonly string[], at: Date, reach: Reach): string[] {
  const outOfHours = classifyHours(at, visit.policy) !== "school_hours";
  // Only a contact we can message replaces the office; otherwise the office is still tried.
  const contactReachable = !!visit.request.responsibleContact?.staffId;
  const targets = notify.map((target) =>
    target === "office" && outOfHours && contactReachable ? "responsible_contact" : target,
  );
  return [...new Set(targets)].filter((target) => (target === "responsible_contact" ? contactReachable : reach(target)));
}
