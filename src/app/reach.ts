import type { Reach } from "../domain/safety-effects.js";
import { type Directory, staffWithRole } from "../domain/school-directory.js";

/** A ladder target can be reached when the school has someone (or a channel) configured for it. */
export function reachIn(directory: Directory): Reach {
  return (target) => {
    if (target === "pair") return true;
    if (target === "alerts") return Object.values(directory.channels.alerts).some(Boolean);
    return staffWithRole(directory, target).length > 0;
  };
}
