import type { Policy } from "../../domain/policy.js";
import type { Directory } from "../../domain/school-directory.js";
import { furtherStopsText } from "../../domain/stops.js";
import type { Visit } from "../../domain/visit.js";
import type { NeutralForm } from "./neutral-message.js";
import { requestForm } from "./request-form.js";

/**
 * The request form again, filled in from a visit sent back for changes, carrying its id so the
 * change goes into the same visit. The code word is never filled in: left blank, it is kept.
 */
export function resubmitForm(policy: Policy, directory: Directory, visit: Visit): NeutralForm {
  const r = visit.request;
  const asked = visit.progress.reviews?.filter((review) => review.kind === "changes_requested").at(-1);
  const prefill: Record<string, string> = {
    pupil_name: r.pupil.name,
    ...(r.pupil.misId ? { pupil_mis: r.pupil.misId } : {}),
    address: r.address,
    purpose: r.purposeId,
    planned_start: r.plannedStart.toISOString(),
    duration: String(r.durationMinutes),
    expected_return: r.expectedReturn.toISOString(),
    lead_mobile: r.lead.mobile,
    ...(r.second ? { second_staff: r.second.staffId, second_mobile: r.second.mobile } : {}),
    ...(r.vehicle
      ? {
          vehicle_make: r.vehicle.make,
          vehicle_model: r.vehicle.model,
          vehicle_colour: r.vehicle.colour,
          vehicle_registration: r.vehicle.registration,
        }
      : {}),
    parents_told: r.parentsTold ? "yes" : "no",
    ...(r.parentNoticeException ? { parent_exception: r.parentNoticeException } : {}),
    ...(r.risks.animals ? { risk_animals: "true" } : {}),
    ...(r.risks.history ? { risk_history: r.risks.history } : {}),
    ...(r.risks.area ? { risk_area: r.risks.area } : {}),
    ...(r.outOfHoursJustification ? { justification: r.outOfHoursJustification } : {}),
    ...(r.responsibleContact?.staffId ? { contact_staff: r.responsibleContact.staffId } : {}),
    ...(r.responsibleContact ? { contact_mobile: r.responsibleContact.mobile } : {}),
    ...(r.stops?.length ? { further_stops: furtherStopsText(r.stops) } : {}),
  };
  const form = requestForm(policy, directory, visit.requesterId, prefill);
  return {
    ...form,
    title: `Change ${visit.id}`,
    submitLabel: "Send again",
    intro: `${asked ? `${asked.by.name} asked: ${asked.note ?? "please change it"}. ` : ""}Change what is needed and send it again; it stays home visit ${visit.id}.`,
    metadata: visit.id,
    fields: form.fields.map((field) =>
      field.id === "code_word"
        ? { ...field, required: false, hint: "Leave blank to keep the code word you chose; type one to change it." }
        : field,
    ),
  };
}
