import { type Directory, staffWithRole } from "../../domain/school-directory.js";
import { type Visit, visitingStaff } from "../../domain/visit.js";
import type { Target } from "../ports.js";

export interface Recipient {
  target: Target;
  /** Who this is, in the policy's terms: "pair", "alerts", a role, "responsible_contact", "approver". */
  recipient: string;
  /** A short stable name for this place, for card keys ("alerts", "dm:d.shah"). */
  key: string;
}

/** Expands ladder targets into concrete places: the pair's DMs, a role's staff, the alerts channel. */
export function resolveRecipients(visit: Visit, targets: readonly string[], directory: Directory): Recipient[] {
  const seen = new Set<string>();
  const result: Recipient[] = [];
  const add = (target: Target, recipient: string) => {
    const key = target.kind === "dm" ? `dm:${target.staffId}` : target.kind === "channel" ? target.role : "thread";
    if (seen.has(key)) return;
    seen.add(key);
    result.push({ target, recipient, key });
  };
  for (const target of targets) {
    if (target === "pair") for (const staffId of visitingStaff(visit)) add({ kind: "dm", staffId }, "pair");
    else if (target === "alerts") add({ kind: "channel", role: "alerts" }, "alerts");
    else if (target === "responsible_contact") {
      const staffId = visit.request.responsibleContact?.staffId;
      if (staffId) add({ kind: "dm", staffId }, target);
    } else if (target === "approver") {
      if (visit.decision) add({ kind: "dm", staffId: visit.decision.by.staffId }, target);
    } else for (const person of staffWithRole(directory, target)) add({ kind: "dm", staffId: person.id }, target);
  }
  return result;
}
