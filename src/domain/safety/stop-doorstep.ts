import { withStopLog } from "../replies/next-stop.js";
import type { Reach } from "../safety-effects.js";
import { currentStop, nextStopOf } from "../stops.js";
import type { Visit } from "../visit.js";
import { transition } from "../visit-lifecycle.js";
import type { Change } from "./ladder.js";

/**
 * The doorstep wait ran out on a day of visits: the pair must leave this home, but the outing is
 * not cancelled, since other homes are still to visit (or were visited). The stop is logged as not
 * answered and the visit runs on as "left the address", check-ins and all, until `next` or `back`.
 */
export function leaveStopUnanswered(visit: Visit, at: Date, reach: Reach): Change {
  const p = visit.progress;
  const left = transition(visit.status, "leave_address");
  const stamp = at.toISOString();
  const progress = { ...p, leftAddressAt: stamp };
  return {
    visit: {
      ...visit,
      status: left.ok ? left.value : visit.status,
      progress: { ...progress, doorstep: undefined, stopLogs: withStopLog(progress, { noAnswer: true }) },
    },
    effects: [
      {
        type: "doorstep_timeout",
        notify: visit.policy.attendance.notifyOnNoAnswer.filter(reach),
        reason: p.doorstep?.parentsLate ? "parents_late" : "no_answer",
        stop: currentStop(visit).number,
        nextStop: nextStopOf(visit)?.number ?? null,
      },
    ],
  };
}
