import { staffDetailsSchema } from "../../domain/staff-details.js";
import { splitStopRef } from "../../domain/stops.js";
import type { Actor } from "../../domain/visit.js";
import { normaliseVisitId } from "../../domain/visit-id.js";
import { capitalise } from "../messages/capitalise.js";
import { recordSaved, sentForApproval } from "../messages/confirmations.js";
import { changesForm, conditionsForm, DECISION_FORMS, DECISION_INPUTS, declineForm } from "../messages/decision-forms.js";
import { DETAILS_FIELDS, formToDetails, MY_DETAILS_FORM_ID, myDetailsForm } from "../messages/my-details-form.js";
import { RECORD_FORM_ID, recordForm, toRecordFormErrors } from "../messages/record-form.js";
import { formToRequest, REQUEST_FORM_ID, requestForm, toFormErrors } from "../messages/request-form.js";
import { resubmitForm } from "../messages/resubmit-form.js";
import { visitLabel } from "../messages/visit-details.js";
import type { AppContext } from "../ports.js";
import { requestVisit } from "../use-cases/request-visit.js";
import { resubmitVisit } from "../use-cases/resubmit-visit.js";
import { recordStop, submitRecord } from "../use-cases/submit-record.js";
import { ATTENDANCE_FORM_HANDLERS } from "./attendance-interactions.js";
import { conditionsFrom, decide, standDown } from "./press-button.js";
import { done, type InteractionResult, refused } from "./results.js";

export interface FormSubmission {
  formId: string;
  /** Field id → what was entered (datetimes as ISO instants, a ticked box as "true"). */
  values: Record<string, string>;
  /** What the form carried through the platform: the visit id. */
  metadata?: string;
  /** The platform's id for this submission, so a double press or a retry has one effect. */
  onceKey?: string;
}

export interface SubmitOptions {
  /** Slack's modal closes without a word, so the requester also hears by direct message. */
  confirmByMessage?: boolean;
}

/** Form ids from before the forms were shared, still accepted (the console's own decision forms). */
const ALIASES: Record<string, string> = {
  console_decline: DECISION_FORMS.decline,
  console_conditions: DECISION_FORMS.conditions,
};

type FormHandler = (ctx: AppContext, actor: Actor, sub: FormSubmission, options: SubmitOptions) => Promise<InteractionResult>;

/** A submitted form, on any platform: the one table from form id to use case. */
export async function submitForm(
  ctx: AppContext,
  actor: Actor,
  sub: FormSubmission,
  options: SubmitOptions = {},
): Promise<InteractionResult> {
  const formId = ALIASES[sub.formId] ?? sub.formId;
  const handler = FORMS[formId];
  if (!handler)
    return { kind: "refused", code: "unknown-form", text: `This form (${sub.formId || "no id"}) is not one homevisit knows.` };
  return handler(ctx, actor, sub, options);
}

const visitOf = (sub: FormSubmission) => normaliseVisitId(sub.metadata ?? "");
const expired = {
  kind: "refused",
  code: "invalid-request",
  text: "This form has lost its visit id: press the button on the card again.",
} as const;

const FORMS: Record<string, FormHandler> = {
  ...ATTENDANCE_FORM_HANDLERS,
  [REQUEST_FORM_ID]: async (ctx, actor, sub, options) => {
    if (sub.metadata) return resubmit(ctx, actor, sub);
    const outcome = await requestVisit(ctx, actor, formToRequest(sub.values, actor.staffId, ctx.directory), {
      confirmByMessage: options.confirmByMessage ?? false,
      ...(sub.onceKey ? { onceKey: sub.onceKey } : {}),
    });
    if (outcome.ok) {
      const warnings = outcome.visit.warnings.map((w) => `\n⚠️ ${w.text}`).join("");
      const note = `Sent for approval: home visit *${visitLabel(outcome.visit)}*. You will get a direct message when it is decided.${warnings}`;
      return done(note, sentForApproval(outcome.visit));
    }
    return {
      kind: "form",
      form: requestForm(ctx.policy, ctx.directory, actor.staffId),
      errors: toFormErrors(outcome.errors),
      values: sub.values,
    };
  },
  [DECISION_FORMS.changes]: async (ctx, actor, sub) => {
    if (!sub.metadata) return expired;
    const note = sub.values[DECISION_INPUTS.note]?.trim() ?? "";
    if (!note)
      return {
        kind: "form",
        form: changesForm(visitOf(sub)),
        errors: { note: "Say what needs changing: the requester sees it." },
      };
    return decide(ctx, actor, visitOf(sub), { outcome: "changes", note });
  },
  [DECISION_FORMS.decline]: async (ctx, actor, sub) => {
    if (!sub.metadata) return expired;
    const reason = sub.values[DECISION_INPUTS.reason]?.trim() ?? "";
    if (!reason) return { kind: "form", form: declineForm(visitOf(sub)), errors: { reason: "Give a reason for declining." } };
    return decide(ctx, actor, visitOf(sub), { outcome: "decline", reason });
  },
  [DECISION_FORMS.conditions]: async (ctx, actor, sub) => {
    if (!sub.metadata) return expired;
    const result = await decide(ctx, actor, visitOf(sub), conditionsFrom(sub.values));
    // "Choose at least one condition" belongs under the conditions, not in place of the form.
    if (result.kind === "refused" && result.code === "invalid-request")
      return {
        kind: "form",
        form: conditionsForm(visitOf(sub)),
        errors: { [DECISION_INPUTS.requirePair]: result.text },
        values: sub.values,
      };
    return result;
  },
  [DECISION_FORMS.staffSafe]: async (ctx, actor, sub) => {
    if (!sub.metadata) return expired;
    return standDown(ctx, actor, visitOf(sub), sub.values[DECISION_INPUTS.how] ?? "", sub.values[DECISION_INPUTS.note]);
  },
  [MY_DETAILS_FORM_ID]: async (ctx, actor, sub) => {
    const parsed = staffDetailsSchema.safeParse(formToDetails(sub.values));
    if (!parsed.success) {
      const errors: Record<string, string> = {};
      for (const issue of parsed.error.issues)
        errors[DETAILS_FIELDS[issue.path.join(".")] ?? "mobile"] ??= capitalise(issue.message);
      return { kind: "form", form: myDetailsForm(null), errors, values: sub.values };
    }
    await ctx.store.saveStaffDetails(actor.staffId, parsed.data);
    const car = parsed.data.vehicle;
    return done(
      `Saved. Your request forms now start with ${parsed.data.mobile}${car ? ` and the ${car.colour} ${car.make} ${car.registration}` : ", and no car"}.`,
    );
  },
  [RECORD_FORM_ID]: async (ctx, actor, sub) => {
    if (!sub.metadata) return expired;
    const outcome = await submitRecord(ctx, actor, visitOf(sub), sub.values, sub.onceKey ? { onceKey: sub.onceKey } : {});
    if (outcome.ok)
      return done(
        `Home Visit Form for ${outcome.visit.id} saved. It is being posted to the records channel.`,
        recordSaved(outcome.visit),
      );
    if ("errors" in outcome) {
      const { visitId, stopNumber } = splitStopRef(visitOf(sub));
      const visit = await ctx.store.getVisit(visitId);
      if (!visit) return { kind: "refused", code: "visit-not-found", text: `There is no home visit ${visitId}.` };
      const stop = recordStop(visit, stopNumber);
      const form = recordForm(visit, stop.ok ? stop.value : null);
      return { kind: "form", form, errors: toRecordFormErrors(outcome.errors), values: sub.values };
    }
    return refused(outcome.error);
  },
};

/** A request sent back for changes, changed and sent again into the same visit. */
async function resubmit(ctx: AppContext, actor: Actor, sub: FormSubmission): Promise<InteractionResult> {
  const outcome = await resubmitVisit(ctx, actor, visitOf(sub), formToRequest(sub.values, actor.staffId, ctx.directory));
  if (outcome.ok)
    return done(
      `Sent again: home visit *${visitLabel(outcome.visit)}* is back with the approvers, with what you changed.`,
      sentForApproval(outcome.visit),
    );
  if ("error" in outcome) return refused(outcome.error);
  const visit = await ctx.store.getVisit(visitOf(sub));
  if (!visit) return { kind: "refused", code: "visit-not-found", text: `There is no home visit ${visitOf(sub)}.` };
  return {
    kind: "form",
    form: resubmitForm(ctx.policy, ctx.directory, visit),
    errors: toFormErrors(outcome.errors),
    values: sub.values,
  };
}

/**
 * A form shown again with its errors never carries the code word back (a card stays in the chat's
 * history): the person is told to type it again, rather than see it vanish unexplained.
 */
export function withCodeWordNote(result: InteractionResult): InteractionResult {
  if (result.kind !== "form" || !result.errors || !result.values?.code_word || result.errors.code_word) return result;
  return { ...result, errors: { ...result.errors, code_word: "Type your code word again: it is never kept on the form." } };
}

/** Every form homevisit opens, by id (Slack callback_id, Teams verb): part of the outside contract. */
export const FORM_IDS: readonly string[] = Object.keys(FORMS);
