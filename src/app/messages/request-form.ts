import type { FieldError } from "../../domain/domain-error.js";
import type { Policy } from "../../domain/policy.js";
import { type Directory, findStaff } from "../../domain/school-directory.js";
import type { VisitRequestInput } from "../../domain/visit-request.js";
import { capitalise } from "./capitalise.js";
import type { FormField, NeutralForm } from "./neutral-message.js";

export const REQUEST_FORM_ID = "visit_submit";

/**
 * The request form, with options from the school's policy and directory. `prefill` gives fields
 * their starting values: the person's own details, or a request sent back for changes.
 */
export function requestForm(
  policy: Policy,
  directory: Directory,
  requesterId: string,
  prefill: Readonly<Record<string, string>> = {},
): NeutralForm {
  const me = findStaff(directory, requesterId);
  const staffOptions = directory.staff.filter((p) => p.id !== requesterId).map((p) => ({ value: p.id, label: p.name }));
  const pairing = {
    always: "Required: this school never makes lone visits.",
    advised: "Strongly advised.",
    dsl_decides: "The approver decides whether a pair is needed.",
  }[policy.pairing.rule];
  const fields: FormField[] = [
    { id: "pupil_name", label: "Pupil's full name", kind: "text", required: true, maxLength: 100 },
    { id: "pupil_mis", label: "MIS id (optional)", kind: "text", maxLength: 40 },
    { id: "address", label: "Address, with postcode", kind: "textarea", required: true, maxLength: 300 },
    {
      id: "purpose",
      label: "Purpose",
      kind: "select",
      required: true,
      options: policy.purposes.map((p) => ({ value: p.id, label: p.label })),
    },
    { id: "planned_start", label: "Planned start", kind: "datetime", required: true },
    ...furtherStopsField(policy),
    {
      id: "duration",
      label: "How long, door to door (minutes)",
      kind: "number",
      hint: "Or give the time you will be back instead, below.",
    },
    { id: "expected_return", label: "Or: back at school by", kind: "datetime" },
    {
      id: "lead_mobile",
      label: "Your mobile",
      kind: "text",
      required: true,
      initial: me?.mobile,
      hint: "The office holds it for the visit.",
    },
    {
      id: "second_staff",
      label: "Second member of staff",
      kind: "staff",
      required: policy.pairing.rule === "always",
      options: staffOptions,
      hint: pairing,
    },
    { id: "second_mobile", label: "Their mobile", kind: "text", hint: "Filled from the directory if left blank." },
    { id: "vehicle_make", label: "Vehicle make", kind: "text", required: policy.vehicle.required, maxLength: 40 },
    { id: "vehicle_model", label: "Vehicle model", kind: "text", required: policy.vehicle.required, maxLength: 40 },
    { id: "vehicle_colour", label: "Vehicle colour", kind: "text", required: policy.vehicle.required, maxLength: 30 },
    { id: "vehicle_registration", label: "Registration", kind: "text", required: policy.vehicle.required, maxLength: 10 },
    {
      id: "parents_told",
      label: "Have parents been told about the visit?",
      kind: "select",
      required: true,
      options: [
        { value: "yes", label: "Yes" },
        { value: "no", label: "No" },
      ],
    },
  ];
  if (policy.parentNotice.exceptions.length > 0)
    fields.push({
      id: "parent_exception",
      label: "If not, why not",
      kind: "select",
      options: policy.parentNotice.exceptions.map((e) => ({ value: e.id, label: e.label })),
    });
  fields.push(
    { id: "risk_animals", label: "Animals at the address", kind: "checkbox" },
    { id: "risk_history", label: "Known risks: history", kind: "textarea", maxLength: 500 },
    { id: "risk_area", label: "Known risks: area", kind: "textarea", maxLength: 500 },
    { id: "justification", label: "Out of hours only: why it cannot wait", kind: "textarea", maxLength: 500 },
    { id: "contact_staff", label: "Out of hours only: responsible contact", kind: "staff", options: staffOptions },
    { id: "contact_mobile", label: "Responsible contact's mobile", kind: "text" },
    {
      id: "code_word",
      label: "Code word",
      kind: "text",
      required: policy.codeWord.required,
      maxLength: 40,
      hint: "Typed in the visit thread it raises a silent alarm. Stored only as a hash: remember it.",
    },
  );
  const filled = fields.map((field) => (prefill[field.id] === undefined ? field : { ...field, initial: prefill[field.id] }));
  return { id: REQUEST_FORM_ID, title: "Request a home visit", submitLabel: "Send for approval", fields: filled };
}

/** A day of visits, when any purpose allows several homes in one outing: the homes after the first. */
function furtherStopsField(policy: Policy): FormField[] {
  const max = Math.max(...policy.purposes.map((p) => p.maxStops ?? 1));
  if (max <= 1) return [];
  const allowed = policy.purposes.filter((p) => (p.maxStops ?? 1) > 1).map((p) => p.label);
  return [
    {
      id: "further_stops",
      label: "Further stops (a day of visits)",
      kind: "textarea",
      maxLength: 3000,
      hint: `One home a line, after the one above: HH:MM, pupil's name, address. Up to ${max} homes in all (${allowed.join("; ")}). Leave empty for one home.`,
    },
  ];
}

/** Form values (all strings) into the domain's request input, filling mobiles from the directory. */
export function formToRequest(
  values: Record<string, string | undefined>,
  requesterId: string,
  directory: Directory,
): VisitRequestInput & { furtherStops?: string } {
  const v = (key: string) => values[key]?.trim() || undefined;
  const me = findStaff(directory, requesterId);
  const secondId = v("second_staff");
  const second = secondId ? findStaff(directory, secondId) : undefined;
  const contactId = v("contact_staff");
  const contact = contactId ? findStaff(directory, contactId) : undefined;
  const vehicle = [v("vehicle_make"), v("vehicle_model"), v("vehicle_colour"), v("vehicle_registration")];
  return {
    pupil: { name: v("pupil_name") ?? "", misId: v("pupil_mis") },
    address: v("address") ?? "",
    purposeId: v("purpose") ?? "",
    plannedStart: (v("planned_start") ?? "") as unknown as Date,
    durationMinutes: (v("duration") ?? "") as unknown as number,
    expectedReturn: (v("expected_return") ?? "") as unknown as Date,
    lead: { staffId: requesterId, name: me?.name ?? requesterId, mobile: v("lead_mobile") ?? me?.mobile ?? "" },
    second: secondId
      ? { staffId: secondId, name: second?.name ?? secondId, mobile: v("second_mobile") ?? second?.mobile ?? "" }
      : null,
    vehicle: vehicle.some(Boolean)
      ? { make: vehicle[0] ?? "", model: vehicle[1] ?? "", colour: vehicle[2] ?? "", registration: vehicle[3] ?? "" }
      : null,
    parentsTold: v("parents_told") !== "no",
    parentNoticeException: v("parent_exception"),
    risks: { animals: v("risk_animals") === "true", history: v("risk_history"), area: v("risk_area") },
    outOfHoursJustification: v("justification"),
    responsibleContact: contactId
      ? { name: contact?.name ?? contactId, mobile: v("contact_mobile") ?? contact?.mobile ?? "", staffId: contactId }
      : null,
    codeWord: v("code_word"),
    ...(v("further_stops") ? { furtherStops: v("further_stops") } : {}),
  };
}

const fieldForPath: Record<string, string> = {
  "pupil.name": "pupil_name",
  "pupil.misId": "pupil_mis",
  address: "address",
  purposeId: "purpose",
  plannedStart: "planned_start",
  durationMinutes: "duration",
  expectedReturn: "expected_return",
  "lead.mobile": "lead_mobile",
  "second.staffId": "second_staff",
  "second.name": "second_staff",
  "second.mobile": "second_mobile",
  "vehicle.make": "vehicle_make",
  "vehicle.model": "vehicle_model",
  "vehicle.colour": "vehicle_colour",
  "vehicle.registration": "vehicle_registration",
  parentNoticeException: "parent_exception",
  "risks.history": "risk_history",
  "risks.area": "risk_area",
  outOfHoursJustification: "justification",
  "responsibleContact.name": "contact_staff",
  "responsibleContact.staffId": "contact_staff",
  "responsibleContact.mobile": "contact_mobile",
  codeWord: "code_word",
  stops: "further_stops",
};

/** Domain field paths to form field ids, first message per field, so each shows under its input. */
export function toFormErrors(errors: readonly FieldError[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const error of errors) {
    const field = fieldForPath[error.field] ?? "pupil_name";
    const message = fieldForPath[error.field] ? error.message : `${error.field}: ${error.message}`;
    out[field] ??= capitalise(message);
  }
  return out;
}
