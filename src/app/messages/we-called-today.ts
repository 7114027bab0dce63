import { formatSchoolTime } from "../../domain/school-hours.js";
import { currentStop } from "../../domain/stops.js";
import type { Visit } from "../../domain/visit.js";
import type { NeutralMessage } from "./neutral-message.js";

/**
 * The "We called today" card (the Lincolnshire policy's Appendix B), filled in for the office to
 * print: the child's name, the date and time, and the school's contact details from its policy.
 */
export function weCalledTodayCard(visit: Visit, at: Date): NeutralMessage {
  const card = weCalledTodayLines(visit, at).join("\n");
  return {
    text: `"We called today" card for home visit ${visit.id}, ready to print`,
    title: '"We called today" card',
    blocks: [
      {
        type: "text",
        text: `*"We called today" card for home visit ${visit.id}* — print it, and record on the Home Visit Form when it was left.`,
      },
      { type: "text", text: card },
    ],
  };
}

/** Button id: the printable card (HTML and PDF) behind short-lived links. Never rename. */
export const WE_CALLED_PRINT = "we_called_print";

/** What the pair are sent privately when nobody answers: the card's words, and the printable page. */
export function weCalledTodayMessage(visit: Visit, at: Date): NeutralMessage {
  const card = weCalledTodayCard(visit, at);
  return {
    ...card,
    blocks: [
      ...card.blocks,
      { type: "actions", actions: [{ id: WE_CALLED_PRINT, label: "Printable card (HTML, PDF)", value: visit.id }] },
      {
        type: "context",
        text: "Only you two get this. Leaving the card is recorded on the visit and filled in on the Home Visit Form.",
      },
    ],
  };
}

/** The card's lines: Appendix B's wording, the child's name, date and time, and the school's contacts. */
export function weCalledTodayLines(visit: Visit, at: Date): string[] {
  const school = visit.policy.school;
  const stamp = formatSchoolTime(at, school.timezone);
  const [date, time] = [stamp.replace(/, \d\d:\d\d$/, ""), stamp.replace(/^.*, /, "")];
  const contact = [school.phone ? `School office: ${school.phone}` : "", school.email ? `Email: ${school.email}` : ""].filter(
    Boolean,
  );
  return [
    "SORRY WE MISSED YOU!",
    "",
    "We visited today as your child was absent from school. Please contact us as soon as possible to confirm they are safe, the reason for absence, and when they will return.",
    "",
    `Child's name: ${currentStop(visit).pupil.name}`,
    `Date: ${date}`,
    `Time: ${time}`,
    "",
    "How to contact us:",
    ...(contact.length ? contact : [school.name]),
    "",
    "If we do not hear from you promptly, we may seek advice from other professionals to make sure your child is safe and well.",
  ];
}
