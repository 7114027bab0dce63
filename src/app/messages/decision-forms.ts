import type { NeutralForm } from "./neutral-message.js";

/** Form ids (Slack view callback_id, Teams verb, console form): part of the outside contract. */
export const DECISION_FORMS = {
  decline: "visit_decline_submit",
  conditions: "visit_conditions_submit",
  changes: "visit_changes_submit",
  staffSafe: "escalation_safe_submit",
} as const;

/** Input ids on the decision forms and on Teams' ShowCard panels. */
export const DECISION_INPUTS = {
  reason: "reason",
  requirePair: "require_pair",
  police: "police",
  note: "note",
  how: "how",
} as const;

/** Asks the approver why the visit is declined; the reason is required and goes to the requester. */
export function declineForm(visitId: string): NeutralForm {
  return {
    id: DECISION_FORMS.decline,
    title: `Decline ${visitId}`,
    submitLabel: "Decline",
    intro: `Declining home visit *${visitId}*. The requester sees your reason.`,
    fields: [{ id: DECISION_INPUTS.reason, label: "Reason", kind: "textarea", required: true, maxLength: 500 }],
    metadata: visitId,
  };
}

/** Ask for changes: what the requester should change, which they see with the form filled in. */
export function changesForm(visitId: string): NeutralForm {
  return {
    id: DECISION_FORMS.changes,
    title: `Changes ${visitId}`,
    submitLabel: "Send back",
    intro: `Sending home visit *${visitId}* back to the requester. They change it and send it again; the card keeps the history.`,
    fields: [{ id: DECISION_INPUTS.note, label: "What should change?", kind: "textarea", required: true, maxLength: 500 }],
    metadata: visitId,
  };
}

/** Approve with conditions: a pair, police accompaniment, and a note for anything else. */
export function conditionsForm(visitId: string): NeutralForm {
  return {
    id: DECISION_FORMS.conditions,
    title: `Conditions ${visitId}`,
    submitLabel: "Approve",
    intro: `Approving home visit *${visitId}* with conditions. A pair on a lone visit sends it back to the requester to add one.`,
    fields: [
      { id: DECISION_INPUTS.requirePair, label: "Must go as a pair", kind: "checkbox" },
      { id: DECISION_INPUTS.police, label: "Police accompaniment", kind: "checkbox" },
      { id: DECISION_INPUTS.note, label: "Other conditions", kind: "textarea", maxLength: 500 },
    ],
    metadata: visitId,
  };
}

export const SAFE_OPTIONS = [
  { value: "phone", label: "I spoke to them on the phone" },
  { value: "in_person", label: "I have seen them in person" },
  { value: "back_at_school", label: "They are back at school" },
  { value: "other", label: "Other (say how below)" },
];

/** "Staff are safe": how does the person know? The answer is in every stand-down and the audit trail. */
export function staffSafeForm(visitId: string): NeutralForm {
  return {
    id: DECISION_FORMS.staffSafe,
    title: `Staff safe ${visitId}`,
    submitLabel: "Stand down",
    intro: `Home visit *${visitId}*: everyone the alert reached is told to stand down. How do you know the staff are safe?`,
    fields: [
      { id: DECISION_INPUTS.how, label: "How do you know?", kind: "select", required: true, options: SAFE_OPTIONS },
      { id: DECISION_INPUTS.note, label: "Anything to add", kind: "textarea", maxLength: 300 },
    ],
    metadata: visitId,
  };
}
