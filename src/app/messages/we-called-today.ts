import { formatSchoolTime } from "../../domain/school-hours.js";
import type { Visit } from "../../domain/visit.js";
import type { NeutralMessage } from "./neutral-message.js";

/**
 * The "We called today" card (the Lincolnshire policy's Appendix B), filled in for the office to
 * print: the child's name, the date and time, and the school's contact details from its policy.
 */
export function weCalledTodayCard(visit: Visit, at: Date): NeutralMessage {
  const school = visit.policy.school;
  const stamp = formatSchoolTime(at, school.timezone);
  const [date, time] = [stamp.replace(/, \d\d:\d\d$/, ""), stamp.replace(/^.*, /, "")];
  const contact = [school.phone ? `School office: ${school.phone}` : "", school.email ? `Email: ${school.email}` : ""].filter(
    Boolean,
  );
  const card = [
    "SORRY WE MISSED YOU!",
    "",
    "We visited today as your child was absent from school. Please contact us as soon as possible to confirm they are safe, the reason for absence, and when they will return.",
    "",
    `Child's name: ${visit.request.pupil.name}`,
    `Date: ${date}`,
    `Time: ${time}`,
    "",
    "How to contact us:",
    ...(contact.length ? contact : [school.name]),
    "",
    "If we do not hear from you promptly, we may seek advice from other professionals to make sure your child is safe and well.",
  ].join("\n");
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
