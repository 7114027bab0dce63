import type { Visit } from "../../domain/visit.js";
import type { NeutralMessage } from "./neutral-message.js";
import { mobilesText, staffNames, timeOf, visitLabel } from "./visit-details.js";
import { VISIT_ACTIONS } from "./visit-messages.js";

/** Past the planned start and nobody has said they set off: the pair are asked. */
export function startQuestion(visit: Visit, plannedStart: string): NeutralMessage {
  const text = `Home visit ${visitLabel(visit)} was due to set off at ${timeOf(visit, plannedStart)}. Have you set off? Reply leaving (or press the button), delay 15 if you are leaving later, or cancel it with /homevisit cancel ${visit.id} and the reason.`;
  return {
    text: `Have you set off on home visit ${visit.id}?`,
    tone: "warning",
    blocks: [
      { type: "text", text },
      { type: "actions", actions: [{ id: VISIT_ACTIONS.checkInOk, label: "We've set off", value: visit.id, style: "primary" }] },
    ],
  };
}

/** Nobody answered the start question: the office (then the approver) is asked to find out. */
export function notStartedNotice(visit: Visit, askedAt: string, to: "office" | "approver"): NeutralMessage {
  const who =
    to === "office"
      ? "Please call them to find out whether the visit is happening."
      : "The office has been told too. Please make sure someone finds out.";
  const text = `Home visit ${visitLabel(visit)}: ${staffNames(visit)} have not said they set off (asked at ${timeOf(visit, askedAt)}). ${who}`;
  return {
    text,
    title: `Home visit ${visit.id}: not started`,
    tone: "warning",
    blocks: [
      { type: "text", text },
      { type: "fields", fields: [{ label: "Mobiles", value: mobilesText(visit) }] },
    ],
  };
}
