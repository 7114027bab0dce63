import type { FieldError } from "../../domain/domain-error.js";
import { type Stop, stopLabel, stopRef } from "../../domain/stops.js";
import type { Visit } from "../../domain/visit.js";
import type { VisitRecordForm } from "../../domain/visit-record.js";
import type { Field, FormField, NeutralForm, NeutralMessage } from "./neutral-message.js";
import { dayOf, purposeLabel, staffNames, timeOf, visitLabel, when } from "./visit-details.js";

export const RECORD_FORM_ID = "visit_outcome_submit";

const yesNo = [
  { value: "yes", label: "Yes" },
  { value: "no", label: "No" },
];

/**
 * The Home Visit Form, with the times the bot already knows filled in. On a day of visits there is
 * one per home: `stop` names it, and its times are that stop's.
 */
export function recordForm(visit: Visit, stop: Stop | null = null): NeutralForm {
  const p = visit.progress;
  const log = stop ? p.stopLogs?.[stop.number - 1] : undefined;
  const at = {
    arrived: log ? log.arrivedAt : p.arrivedAt,
    entered: log ? log.enteredAt : p.enteredAt,
    left: log ? log.leftAt : p.leftAddressAt,
    card: log ? log.weCalledCardAt : p.weCalledCard?.at,
  };
  const hhmm = (at?: string) => (at ? timeOf(visit, at) : undefined);
  const fields: FormField[] = [
    { id: "time_left_school", label: "Left school", kind: "time", initial: hhmm(p.leftSchoolAt) },
    { id: "time_arrived", label: "Arrived", kind: "time", initial: hhmm(at.arrived) },
    { id: "time_entered", label: "Went in", kind: "time", initial: hhmm(at.entered) },
    { id: "time_left_address", label: "Left the address", kind: "time", initial: hhmm(at.left) },
    { id: "time_back", label: "Back at school", kind: "time", initial: hhmm(p.returnedAt) },
    {
      id: "present",
      label: "Who was present",
      kind: "textarea",
      required: true,
      maxLength: 2000,
      hint: "Adults with parental responsibility, and anyone else.",
    },
    { id: "child_seen", label: "Was the child seen (eyes on)?", kind: "select", required: true, options: yesNo },
    {
      id: "safe_and_well",
      label: "Did the child appear safe and well?",
      kind: "select",
      required: true,
      options: [...yesNo, { value: "unsure", label: "Unsure" }],
    },
    {
      id: "discussed",
      label: "What was discussed",
      kind: "textarea",
      required: true,
      maxLength: 2000,
      hint: "Facts, and people's own words where they matter.",
    },
    {
      id: "agreements",
      label: "Agreements made with parents",
      kind: "textarea",
      maxLength: 2000,
      hint: "One agreement per line: each is followed up on its own.",
    },
    { id: "voice_of_child", label: "Voice of the child", kind: "textarea", maxLength: 2000 },
    { id: "concerns", label: "Concerns", kind: "textarea", maxLength: 2000 },
    { id: "safeguarding_concern", label: "This is a safeguarding concern (the DSL is alerted at once)", kind: "checkbox" },
    { id: "actions", label: "Actions and follow-up", kind: "textarea", maxLength: 2000 },
    { id: "further_visit", label: "Further visit date", kind: "date" },
    { id: "reminder_letter", label: "Reminder letter to send", kind: "checkbox" },
    { id: "referral", label: "Referral needed", kind: "checkbox" },
    // Filled in when homevisit sent the pair the card (they replied "no answer").
    {
      id: "we_called_card",
      label: '"We called today" card left',
      kind: "checkbox",
      initial: at.card ? "true" : undefined,
    },
    { id: "we_called_time", label: "Card left at", kind: "time", initial: hhmm(at.card) },
    { id: "incident", label: "Incident (record details while fresh)", kind: "textarea", maxLength: 2000 },
  ];
  const which = stop ? `${visit.id}, ${stopLabel(visit, stop)}` : visitLabel(visit);
  return {
    id: RECORD_FORM_ID,
    title: stop ? `Home Visit Form: stop ${stop.number}` : "Home Visit Form",
    submitLabel: "Submit record",
    intro: `Home visit ${which}: ${staffNames(visit)}. Be factual; the record is dated and signed with your name.`,
    fields,
    metadata: stopRef(visit.id, stop?.number ?? null),
  };
}

/** Form values (strings) into the record's shape. */
export function formToRecord(values: Record<string, string | undefined>): unknown {
  const v = (key: string) => values[key]?.trim() || undefined;
  const tick = (key: string) => v(key) === "true";
  return {
    times: {
      leftSchool: v("time_left_school"),
      arrived: v("time_arrived"),
      entered: v("time_entered"),
      leftAddress: v("time_left_address"),
      back: v("time_back"),
    },
    present: v("present") ?? "",
    childSeen: v("child_seen"),
    safeAndWell: v("safe_and_well"),
    discussed: v("discussed") ?? "",
    agreements: v("agreements"),
    agreementList: (v("agreements") ?? "")
      .split(/\r?\n/)
      .map((line) => line.replace(/^\s*(?:[-*•]|\d+[.)])\s*/, "").trim())
      .filter(Boolean),
    voiceOfChild: v("voice_of_child"),
    concerns: v("concerns"),
    safeguardingConcern: tick("safeguarding_concern"),
    actions: v("actions"),
    furtherVisitDate: v("further_visit"),
    reminderLetter: tick("reminder_letter"),
    referral: tick("referral"),
    weCalledCardLeft: tick("we_called_card"),
    weCalledCardTime: v("we_called_time"),
    incident: v("incident"),
  };
}

const fieldForPath: Record<string, string> = {
  "times.leftSchool": "time_left_school",
  "times.arrived": "time_arrived",
  "times.entered": "time_entered",
  "times.leftAddress": "time_left_address",
  "times.back": "time_back",
  present: "present",
  childSeen: "child_seen",
  safeAndWell: "safe_and_well",
  discussed: "discussed",
  agreements: "agreements",
  agreementList: "agreements",
  voiceOfChild: "voice_of_child",
  concerns: "concerns",
  actions: "actions",
  furtherVisitDate: "further_visit",
  weCalledCardTime: "we_called_time",
  incident: "incident",
};

export function toRecordFormErrors(errors: readonly FieldError[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const error of errors) {
    const field = fieldForPath[error.field] ?? fieldForPath[error.field.split(".")[0] ?? ""] ?? "present";
    out[field] ??= error.message.charAt(0).toUpperCase() + error.message.slice(1);
  }
  return out;
}

/** The completed record, for the restricted records channel only. */
export function recordMessage(
  visit: Visit,
  record: VisitRecordForm,
  by: string,
  at: Date,
  correction: boolean,
  stop: Stop | null = null,
): NeutralMessage {
  const t = record.times;
  const fields: Field[] = [
    { label: "Pupil", value: stop ? stop.pupil.name : visit.request.pupil.name },
    { label: "Address", value: stop ? stop.address : visit.request.address },
    ...(stop ? [{ label: "Stop", value: stopLabel(visit, stop) }] : []),
    { label: "Purpose", value: purposeLabel(visit) },
    { label: "Date", value: dayOf(visit, visit.request.plannedStart) },
    {
      label: "Times",
      value: `left ${t.leftSchool ?? "—"}, arrived ${t.arrived ?? "—"}, in ${t.entered ?? "—"}, left ${t.leftAddress ?? "—"}, back ${t.back ?? "—"}`,
    },
    { label: "Staff", value: staffNames(visit) },
    { label: "Present", value: record.present },
    { label: "Child seen", value: record.childSeen },
    { label: "Safe and well", value: record.safeAndWell },
    { label: "Discussed", value: record.discussed },
  ];
  const optional: [string, string | undefined][] = [
    ["Agreements", record.agreementList?.length ? record.agreementList.map((a) => `• ${a}`).join("\n") : record.agreements],
    ["Voice of the child", record.voiceOfChild],
    ["Concerns", record.concerns],
    ["Actions", record.actions],
    ["Further visit", record.furtherVisitDate],
    ["Incident", record.incident],
  ];
  for (const [label, value] of optional) if (value) fields.push({ label, value });
  const follow = [
    record.reminderLetter ? "reminder letter" : "",
    record.referral ? "referral" : "",
    record.weCalledCardLeft ? `"We called today" card left at ${record.weCalledCardTime}` : "",
  ].filter(Boolean);
  if (follow.length) fields.push({ label: "Follow-up", value: follow.join("; ") });
  const name = `${visit.id}${stop ? `, stop ${stop.number}` : ""}`;
  return {
    text: `${correction ? "Corrected " : ""}Home Visit Form ${name}${record.safeguardingConcern ? " — SAFEGUARDING CONCERN" : ""}`,
    title: `Home Visit Form ${name}`,
    tone: record.safeguardingConcern ? "danger" : "normal",
    blocks: [
      {
        type: "text",
        text: `*${correction ? "Correction to the " : ""}Home Visit Form ${name}*${record.safeguardingConcern ? "\n🚩 Safeguarding concern" : ""}`,
      },
      { type: "fields", fields },
      { type: "context", text: `Submitted by ${by}, ${when(visit, at)}.` },
    ],
  };
}
