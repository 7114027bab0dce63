import type { Result } from "../../domain/domain-error.js";
import type { Actor } from "../../domain/visit.js";
import { dismissTrigger } from "../attendance/dismiss-trigger.js";
import { answerFollowUp, followUpVisitForm, printReminderLetter } from "../attendance/follow-ups.js";
import { printWeCalledCard } from "../attendance/print-we-called.js";
import { requestSuggestedVisit, suggestedVisitForm } from "../attendance/suggested-visit.js";
import { FOLLOW_UP_ACTIONS } from "../messages/attendance-follow-ups.js";
import { ATTENDANCE_ACTIONS, ATTENDANCE_FORMS, dismissForm } from "../messages/attendance-triggers.js";
import { sentForApproval } from "../messages/confirmations.js";
import type { NeutralMessage } from "../messages/neutral-message.js";
import { toFormErrors } from "../messages/request-form.js";
import { visitLabel } from "../messages/visit-details.js";
import { WE_CALLED_PRINT } from "../messages/we-called-today.js";
import type { AppContext } from "../ports.js";
import type { ButtonPress } from "./press-button.js";
import { done, type InteractionResult, refused } from "./results.js";
import type { FormSubmission } from "./submit-form.js";

type Button = (ctx: AppContext, actor: Actor, press: ButtonPress) => Promise<InteractionResult>;
type Form = (ctx: AppContext, actor: Actor, sub: FormSubmission) => Promise<InteractionResult>;

/** Buttons on attendance cards: their value is the trigger's id, not a visit's. */
export const ATTENDANCE_BUTTONS: Record<string, Button> = {
  [ATTENDANCE_ACTIONS.dismiss]: async (ctx, actor, press) => {
    if (press.inputs?.reason) return dismissed(ctx, actor, press.visitId, press.inputs.reason);
    return { kind: "form", form: dismissForm(press.visitId) };
  },
  [WE_CALLED_PRINT]: async (ctx, actor, press) => {
    const printed = await printWeCalledCard(ctx, actor, press.visitId);
    return printed.ok ? done(printed.value.text, printed.value) : refused(printed.error);
  },
  [FOLLOW_UP_ACTIONS.kept]: async (ctx, actor, press) => answered(await answerFollowUp(ctx, actor, press.visitId, true)),
  [FOLLOW_UP_ACTIONS.notKept]: async (ctx, actor, press) => answered(await answerFollowUp(ctx, actor, press.visitId, false)),
  [FOLLOW_UP_ACTIONS.letter]: async (ctx, actor, press) => answered(await printReminderLetter(ctx, actor, press.visitId)),
  [FOLLOW_UP_ACTIONS.visit]: async (ctx, actor, press) => {
    const form = await followUpVisitForm(ctx, actor, press.visitId);
    return form.ok ? { kind: "form", form: form.value } : refused(form.error);
  },
  [ATTENDANCE_ACTIONS.requestVisit]: async (ctx, actor, press) => {
    const form = await suggestedVisitForm(ctx, actor, press.visitId);
    return form.ok ? { kind: "form", form: form.value } : refused(form.error);
  },
};

export const ATTENDANCE_FORM_HANDLERS: Record<string, Form> = {
  [ATTENDANCE_FORMS.dismiss]: async (ctx, actor, sub) => {
    const reason = sub.values.reason?.trim() ?? "";
    if (!reason)
      return { kind: "form", form: dismissForm(sub.metadata ?? ""), errors: { reason: "Give a reason for dismissing it." } };
    return dismissed(ctx, actor, sub.metadata ?? "", reason);
  },
  [ATTENDANCE_FORMS.requestVisit]: async (ctx, actor, sub) => {
    const triggerId = sub.metadata ?? "";
    const outcome = await requestSuggestedVisit(ctx, actor, triggerId, sub.values, sub.onceKey);
    if (outcome.ok)
      return done(
        `Sent for approval: home visit *${visitLabel(outcome.visit)}*. You will get a direct message when it is decided.`,
        sentForApproval(outcome.visit),
      );
    const form = await suggestedVisitForm(ctx, actor, triggerId);
    if (!form.ok) return refused(form.error);
    return { kind: "form", form: form.value, errors: toFormErrors(outcome.errors), values: sub.values };
  },
};

function answered(result: Result<NeutralMessage>): InteractionResult {
  return result.ok ? done(result.value.text, result.value) : refused(result.error);
}

async function dismissed(ctx: AppContext, actor: Actor, triggerId: string, reason: string): Promise<InteractionResult> {
  const result = await dismissTrigger(ctx, actor, triggerId, reason);
  return result.ok ? done("Dismissed; the reason is in the audit trail.", result.value) : refused(result.error);
}

/** Every attendance button and form id, for the adapters that register ids one by one. */
export const ATTENDANCE_BUTTON_IDS = Object.keys(ATTENDANCE_BUTTONS);
export const ATTENDANCE_FORM_IDS = Object.keys(ATTENDANCE_FORM_HANDLERS);
