import type { AppContext } from "../../app/app-context.js";
import { errorText } from "../../app/messages/error-text.js";
import { RECORD_FORM_ID, recordForm, toRecordFormErrors } from "../../app/messages/record-form.js";
import { VISIT_ACTIONS } from "../../app/messages/visit-messages.js";
import { submitRecord } from "../../app/use-cases/submit-record.js";
import { DomainError } from "../../domain/domain-error.js";
import { isOnVisit } from "../../domain/visit.js";
import { normaliseVisitId } from "../../domain/visit-id.js";
import { transition } from "../../domain/visit-lifecycle.js";
import type { ButtonWork } from "./handle-actions.js";
import type { SubmitWork } from "./handle-views.js";
import { renderForm } from "./modal-view.js";

/** The Home Visit Form: `record_open` opens it as a modal, its submission stores the record. */
export function recordFormWiring(ctx: AppContext): { buttons: Record<string, ButtonWork>; views: Record<string, SubmitWork> } {
  const open: ButtonWork = async ({ actor, visitId, press }) => {
    const id = normaliseVisitId(visitId);
    const visit = await ctx.store.getVisit(id);
    if (!visit) return errorText(new DomainError("visit-not-found", `There is no home visit ${id}.`));
    if (!isOnVisit(visit, actor.staffId)) return "Only the staff who made the visit can complete its form.";
    if (!transition(visit.status, "complete_record").ok)
      return "The Home Visit Form is completed once the visit has ended (reply back, or left not returning).";
    await press.client.views.open({ trigger_id: press.body.trigger_id, view: renderForm(recordForm(visit)) });
    return null;
  };

  const submit: SubmitWork = async ({ actor, values, submit }) => {
    const visitId = submit.view.private_metadata;
    if (!visitId) return { errors: { _: "This form has expired: press Complete the form again." } };
    const outcome = await submitRecord(ctx, actor, visitId, values);
    if (outcome.ok) return null;
    if ("errors" in outcome) return { errors: toRecordFormErrors(outcome.errors) };
    return { title: "Not saved", notice: errorText(outcome.error) };
  };

  return { buttons: { [VISIT_ACTIONS.openRecord]: open }, views: { [RECORD_FORM_ID]: submit } };
}
