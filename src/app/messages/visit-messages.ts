import { hasStops, type Stop, stopCount, stopLabel, stopRef } from "../../domain/stops.js";
import { type Visit, visitingStaff } from "../../domain/visit.js";
import type { NeutralMessage } from "./neutral-message.js";
import { planInitials, staffNames, timeOf, visitLabel, when } from "./visit-details.js";

/** Button ids: part of the outside contract, never rename. */
export const VISIT_ACTIONS = {
  checkInOk: "checkin_ok",
  acknowledge: "escalation_ack",
  staffSafe: "escalation_safe",
  openRecord: "record_open",
} as const;

/** Opens the visit's thread in the general visits channel: id and initials only, never the pupil's name. */
export function threadOpener(visit: Visit): NeutralMessage {
  const minutes = visit.policy.checkIns.intervalMinutes;
  const police = visit.decision?.conditions?.policeAccompaniment ? " Condition: police accompaniment." : "";
  return {
    text: `Home visit ${visitLabel(visit)} today: ${staffNames(visit)}`,
    title: `Home visit ${visitLabel(visit)}`,
    mentions: visitingStaff(visit),
    blocks: [
      {
        type: "text",
        text: `Today, ${timeOf(visit, visit.request.plannedStart)}: ${staffNames(visit)}.${police}`,
      },
      {
        type: "context",
        text: hasStops(visit)
          ? `${stopCount(visit)} homes today: ${planInitials(visit)}. Reply in this thread: leaving, arrived, in, ok (every ${minutes} min), left, next (on to the next home), back. Type help for more.`
          : `Reply in this thread: leaving, arrived, in, ok (every ${minutes} min), left, back. Type help for more.`,
      },
    ],
  };
}

export function threadReply(text: string): NeutralMessage {
  return { text, blocks: [{ type: "text", text }] };
}

export function checkInPrompt(visit: Visit, due: string): NeutralMessage {
  return {
    text: `Check-in due by ${timeOf(visit, due)}: reply ok`,
    mentions: visitingStaff(visit),
    blocks: [
      { type: "text", text: `Check-in due by *${timeOf(visit, due)}*. Reply ok, or press the button.` },
      { type: "actions", actions: [{ id: VISIT_ACTIONS.checkInOk, label: "I'm OK", value: visit.id, style: "primary" }] },
    ],
  };
}

export function notice(text: string, tone: NeutralMessage["tone"] = "normal"): NeutralMessage {
  return { text, tone, blocks: [{ type: "text", text }] };
}

export function recordRequest(visit: Visit, reminder: boolean, stop: Stop | null = null): NeutralMessage {
  const which = stop ? `${visit.id}, ${stopLabel(visit, stop)}` : visitLabel(visit);
  const text = reminder
    ? `Reminder: the Home Visit Form for ${which} is still missing.`
    : `Please complete the Home Visit Form for ${which} while it is fresh.`;
  return {
    text,
    blocks: [
      { type: "text", text },
      {
        type: "actions",
        actions: [
          {
            id: VISIT_ACTIONS.openRecord,
            label: stop ? `Form for stop ${stop.number}` : "Complete the form",
            value: stopRef(visit.id, stop?.number ?? null),
            style: "primary",
          },
        ],
      },
    ],
  };
}

/** A member of the pair by name; anyone else by id (the directory names them elsewhere). */
export function nameOf(visit: Visit, staffId: string): string {
  const { lead, second } = visit.request;
  if (lead.staffId === staffId) return lead.name;
  if (second?.staffId === staffId) return second.name;
  return staffId;
}

/** A visit's planned start, for messages that say it was due. */
export function plannedText(visit: Visit, at: string | Date = visit.request.plannedStart): string {
  return when(visit, at);
}
