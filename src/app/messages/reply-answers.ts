import { stopsToRecord } from "../../domain/replies/next-stop.js";
import type { ReplyAnswer } from "../../domain/safety-effects.js";
import type { Visit } from "../../domain/visit.js";
import type { NeutralMessage } from "./neutral-message.js";
import { timeOf } from "./visit-details.js";

/**
 * The words for each answer to the pair. One sentence per answer kind, so the answer to the code
 * word (a `checked_in`) is the very sentence an ordinary check-in gets.
 */
export function answerText(visit: Visit, answer: ReplyAnswer): string {
  const t = (at: string) => timeOf(visit, at);
  switch (answer.kind) {
    case "checked_in":
      return `Thanks, checked in at ${t(answer.at)}. Next check-in by ${t(answer.nextDue)}.`;
    case "set_off": {
      const police = answer.policeAccompaniment ? " Condition: police accompaniment. Do not go in without them." : "";
      return `On your way. Check in by ${t(answer.nextDue)} (every ${answer.everyMinutes} minutes): reply ok.${police} Type help for the words I understand.`;
    }
    case "at_door":
      return `At the address. If nobody lets you in, wait no later than ${t(answer.waitUntil)}, then leave. Reply in once you are inside.`;
    case "no_answer":
      return `Nobody answering: noted. Keep trying until ${t(answer.waitUntil)} at the latest, then leave and reply left. Reply in if they let you in.`;
    case "parents_late":
      return answer.extended
        ? `Parents are running late: wait outside, do not go in until they arrive, and leave at ${t(answer.waitUntil)} if they have not come.`
        : `The school's policy allows no longer wait: leave at ${t(answer.waitUntil)} if parents have not come.`;
    case "inside":
      return `Inside. Next check-in by ${t(answer.nextDue)}.`;
    case "delayed":
      return `Noted: next check-in by ${t(answer.nextDue)}, back by ${t(answer.backBy)}. The office has been told.`;
    case "start_delayed":
      return `Noted: you now expect to set off by ${t(answer.startBy)} and be back by ${t(answer.backBy)}. Reply leaving when you go. The office has been told.`;
    case "left_address":
      return `Left the address. Reply back when you are at school; next check-in by ${t(answer.nextDue)}.`;
    case "ended_not_returning":
      return `Visit ended: you are not returning to school.${skippedText(answer.skipped)} Thank you; please complete the Home Visit Form${forms(visit)}.`;
    case "welcome_back":
      return `Welcome back.${skippedText(answer.skipped)} Please complete the Home Visit Form${forms(visit)} now, while it is fresh.`;
    case "next_stop":
      return `On to stop ${answer.stop} of ${answer.of}${answer.time ? ` (planned ${answer.time})` : ""}. Reply arrived at the door; next check-in by ${t(answer.nextDue)}.`;
    case "no_next_stop":
      return answer.stops > 1
        ? `This is the last stop (${answer.stops} of ${answer.stops}): there is no next one. Reply back when you are back at school.`
        : "This visit has one home, so there is no next stop. Reply back when you are back at school.";
    case "cancelled_reply_back":
      return "Thanks, noted. This visit is cancelled: reply back when you are safely at school, or left not returning if you are going home.";
    case "help":
      return replyHelp(answer.everyMinutes);
    case "alarm_raised":
      return "Alarm raised: the office and the school's leaders are being told now. If you are in danger, call 999.";
    case "not_understood":
      return "I did not read that as a check-in, so I have passed it to the office to read. To check in, reply ok; reply help for the words I understand.";
  }
}

/** The words the pair can use, for `help` in the thread or a direct message. */
export function replyHelp(everyMinutes: number): string {
  return [
    "Reply here:",
    "• leaving: you are setting off (delay 15 if you are leaving later)",
    "• arrived: you are at the door (no answer: nobody is answering)",
    "• parents late: parents said they are on their way",
    "• in: you are inside the home",
    `• ok: check in (every ${everyMinutes} minutes)`,
    "• delay 15: you need 15 more minutes",
    "• left: you have left the address (left not returning: going straight home)",
    "• next: a day of visits: on to the next home",
    "• back: you are back at school",
    "• help me: an alarm everyone sees, at once",
    "• your code word: a silent alarm; the answer looks like a normal check-in",
  ].join("\n");
}

/** Stops a day of visits never reached: said back, so the pair can put it right if it is wrong. */
function skippedText(skipped: readonly number[] | undefined): string {
  if (!skipped?.length) return "";
  const list =
    skipped.length === 1 ? `Stop ${skipped[0]} was` : `Stops ${skipped.slice(0, -1).join(", ")} and ${skipped.at(-1)} were`;
  return ` ${list} not visited: recorded as skipped.`;
}

/** "for each of the 3 homes": a day of visits has one form per home the pair reached. */
function forms(visit: Visit): string {
  const count = stopsToRecord(visit).length;
  return count > 1 ? ` for each of the ${count} homes (one form each)` : "";
}

export function answerMessage(visit: Visit, answer: ReplyAnswer): NeutralMessage {
  const text = answerText(visit, answer);
  return { text, tone: answer.kind === "alarm_raised" ? "danger" : "normal", blocks: [{ type: "text", text }] };
}
