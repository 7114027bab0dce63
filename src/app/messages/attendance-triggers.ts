import type { TriggerKind } from "../../domain/attendance/triggers-due.js";
import type { StoredPupil, TriggerRow } from "../attendance/attendance-port.js";
import type { FormField, NeutralForm, NeutralMessage } from "./neutral-message.js";

/** Button and form ids on attendance cards: part of the outside contract, never rename. */
export const ATTENDANCE_ACTIONS = { requestVisit: "attendance_request_visit", dismiss: "attendance_dismiss" } as const;
export const ATTENDANCE_FORMS = { dismiss: "attendance_dismiss_submit", requestVisit: "attendance_visit_submit" } as const;

const TITLES: Record<TriggerKind, string> = {
  no_contact: "No contact from home",
  safe_and_well: "Safe-and-well visit suggested",
  must_see: "A home visit must take place",
  pnar: "PNAR: notify the council",
  cme: "Consider a CME referral",
  falling_attendance: "Attendance falling",
};

/** "Mon 23 Nov" for a register day. */
export function shortDay(day: string): string {
  const date = new Date(`${day}T12:00:00Z`);
  return new Intl.DateTimeFormat("en-GB", { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" }).format(date);
}

function daysText(days: readonly string[]): string {
  return days.map(shortDay).join(", ");
}

/** What the trigger asks of whoever it reaches, in words. */
export function triggerText(
  trigger: TriggerRow,
  pupil: StoredPupil,
  options: { mustSeeByDay?: number; reminder?: boolean } = {},
): string {
  const days = (trigger.detail.days as string[] | undefined) ?? [];
  const who = `*${pupil.name}* (${pupil.pupilId})`;
  switch (trigger.kind) {
    case "no_contact":
      return `${who} is absent today with no contact from home (day ${days.length}). Please try phone, text and email today, and log each attempt.`;
    case "safe_and_well":
      return `${who} has been absent ${days.length} school days with no successful contact (${daysText(days)}). The policy normally makes a safe-and-well home visit now.`;
    case "must_see": {
      const lead = options.reminder ? "Reminder: " : "";
      const limit = options.mustSeeByDay
        ? ` The policy allows at most ${options.mustSeeByDay - 1} school days without "eyes on".`
        : "";
      return `${lead}*A home visit must take place:* ${who} has not been seen for ${days.length} school days (since ${shortDay(days[0] ?? trigger.episode)}).${limit} This reminder repeats each school day until a visit is recorded.`;
    }
    case "pnar":
      return `${who} has ${days.length} consecutive unauthorised school days: ${daysText(days)}. Notify the council through the PNAR (Pupil Not Attending Regularly) procedure.`;
    case "cme":
      return `${who}: nobody answered at home visit ${String(trigger.detail.visitId ?? "")} on ${shortDay(String(trigger.detail.visitDay ?? trigger.episode))}, and the child has not been seen since. The child's whereabouts are unknown: consider a Children Missing Education (CME) referral.`;
    case "falling_attendance": {
      const months = (trigger.detail.months as { month: string; rate: number }[] | undefined) ?? [];
      const list = months.map((m) => `${monthName(m.month)} ${Math.round(m.rate * 100)}%`).join(", ");
      return `${who}: attendance has fallen for ${Math.max(0, months.length - 1)} months in a row (${list}). The policy says the appropriate authorities are to be notified, for legal proceedings to be considered.`;
    }
  }
}

function monthName(month: string): string {
  return new Intl.DateTimeFormat("en-GB", { month: "short", year: "numeric", timeZone: "UTC" }).format(
    new Date(`${month}-15T12:00:00Z`),
  );
}

/** The card a trigger sends: the facts, a prefilled visit request where a visit is due, and Dismiss. */
export function triggerCard(
  trigger: TriggerRow,
  pupil: StoredPupil,
  options: { mustSeeByDay?: number; reminder?: boolean } = {},
): NeutralMessage {
  const visitDue = trigger.kind === "safe_and_well" || trigger.kind === "must_see";
  const address = pupil.address ? [{ type: "context" as const, text: `Address: ${pupil.address}` }] : [];
  return {
    text: `${TITLES[trigger.kind]}: ${pupil.name}`,
    title: TITLES[trigger.kind],
    tone: trigger.kind === "must_see" || trigger.kind === "cme" ? "danger" : "warning",
    blocks: [
      { type: "text", text: triggerText(trigger, pupil, options) },
      ...(visitDue ? address : []),
      {
        type: "actions",
        actions: [
          ...(visitDue
            ? [{ id: ATTENDANCE_ACTIONS.requestVisit, label: "Request the visit", value: trigger.id, style: "primary" as const }]
            : []),
          { id: ATTENDANCE_ACTIONS.dismiss, label: "Dismiss", value: trigger.id },
        ],
      },
      { type: "context", text: "From the attendance register. Only the people the policy names get this." },
    ],
  };
}

/** Dismissing a trigger needs a reason, kept in the audit trail. */
export function dismissForm(triggerId: string): NeutralForm {
  const reason: FormField = {
    id: "reason",
    label: "Why is no action needed?",
    kind: "textarea",
    required: true,
    maxLength: 500,
    hint: 'e.g. "Mother phoned at 09:40: chickenpox, back Monday".',
  };
  return { id: ATTENDANCE_FORMS.dismiss, title: "Dismiss", submitLabel: "Dismiss", fields: [reason], metadata: triggerId };
}

/** The card once dismissed: who, when and why, with no buttons left. */
export function dismissedCard(trigger: TriggerRow, pupil: StoredPupil, by: string, reason: string): NeutralMessage {
  return {
    text: `${TITLES[trigger.kind]}: ${pupil.name} — dismissed by ${by}`,
    title: TITLES[trigger.kind],
    blocks: [
      { type: "text", text: triggerText(trigger, pupil) },
      { type: "text", text: `*Dismissed* by ${by}: ${reason}` },
    ],
  };
}
