import type { Visit } from "../../domain/visit.js";
import type { FollowUpRow } from "../attendance/attendance-port.js";
import type { NeutralMessage } from "./neutral-message.js";
import { dayOf, visitLabel } from "./visit-details.js";

/** Buttons on follow-up cards: part of the outside contract, never rename. */
export const FOLLOW_UP_ACTIONS = {
  kept: "followup_kept",
  notKept: "followup_not_kept",
  letter: "followup_letter",
  visit: "followup_request_visit",
} as const;

/** The lead is asked, agreement by agreement, whether it was kept. */
export function followUpQuestion(visit: Visit, followUp: FollowUpRow): NeutralMessage {
  return {
    text: `Follow-up: was the agreement from home visit ${visit.id} kept?`,
    title: "Agreement follow-up",
    blocks: [
      {
        type: "text",
        text: `On home visit ${visitLabel(visit)} (${dayOf(visit, visit.request.plannedStart)}) you agreed with the parents:`,
      },
      { type: "text", text: `“${followUp.agreement}”` },
      { type: "text", text: "Has it been kept?" },
      {
        type: "actions",
        actions: [
          { id: FOLLOW_UP_ACTIONS.kept, label: "Kept", value: followUp.id, style: "primary" },
          { id: FOLLOW_UP_ACTIONS.notKept, label: "Not kept", value: followUp.id, style: "danger" },
        ],
      },
    ],
  };
}

/** The reminder letter's words, for the office to send (Morecambe Road: "Reminder letters will be sent"). */
export function reminderLetterLines(visit: Visit, followUp: FollowUpRow, school: string): string[] {
  return [
    `Dear Parent/Carer of ${visit.request.pupil.name},`,
    "",
    `Thank you for meeting us at home on ${dayOf(visit, visit.request.plannedStart)}. At that visit we agreed together that:`,
    "",
    `*${followUp.agreement}*`,
    "",
    "Our records show that this has not happened. Regular attendance matters for your child's learning, and we want to help. Please contact the school office as soon as possible so that we can talk about what support you need.",
    "",
    "If the agreement continues not to be kept, the school will arrange a follow-up home visit.",
    "",
    "Yours faithfully,",
    school,
  ];
}

/** "Not kept": the letter draft, and a follow-up visit in one click. */
export function notKeptCard(visit: Visit, followUp: FollowUpRow, school: string, by: string): NeutralMessage {
  return {
    text: `Agreement from home visit ${visit.id} not kept: reminder letter draft`,
    title: "Agreement not kept",
    tone: "warning",
    blocks: [
      { type: "text", text: `*Not kept* (said by ${by}): “${followUp.agreement}”. A reminder letter draft for the office:` },
      { type: "text", text: reminderLetterLines(visit, followUp, school).join("\n") },
      {
        type: "actions",
        actions: [
          { id: FOLLOW_UP_ACTIONS.letter, label: "Printable letter", value: followUp.id },
          { id: FOLLOW_UP_ACTIONS.visit, label: "Request a follow-up visit", value: followUp.id, style: "primary" },
        ],
      },
    ],
  };
}
