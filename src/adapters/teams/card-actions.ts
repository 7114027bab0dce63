import type { AdaptiveCardActionResponse } from "@microsoft/teams.api";
import { identify } from "../../app/interactions/identify.js";
import { pressButton } from "../../app/interactions/press-button.js";
import type { InteractionResult } from "../../app/interactions/results.js";
import { FORM_IDS, submitForm, withCodeWordNote } from "../../app/interactions/submit-form.js";
import { APPROVAL_ACTIONS } from "../../app/messages/approval-card.js";
import { DECISION_FORMS } from "../../app/messages/decision-forms.js";
import { errorText, SOMETHING_WRONG } from "../../app/messages/error-text.js";
import { RECORD_FORM_ID } from "../../app/messages/record-form.js";
import { REQUEST_FORM_ID } from "../../app/messages/request-form.js";
import { VISIT_ACTIONS } from "../../app/messages/visit-messages.js";
import { DomainError } from "../../domain/domain-error.js";
import { type AdaptiveCard, messageCard } from "./adaptive-card.js";
import { formCard } from "./form-card.js";
import { carried, readCardValues } from "./form-values.js";
import { cardActionSchema, type InboundActivity } from "./inbound.js";
import type { TeamsContext } from "./teams-context.js";

/** Verbs of the cards' Action.Execute buttons and forms: part of the outside contract. */
export const TEAMS_VERBS = {
  submitRequest: REQUEST_FORM_ID,
  approve: APPROVAL_ACTIONS.approve,
  decline: APPROVAL_ACTIONS.decline,
  conditions: APPROVAL_ACTIONS.conditions,
  changes: APPROVAL_ACTIONS.changes,
  resubmit: APPROVAL_ACTIONS.resubmit,
  checkIn: VISIT_ACTIONS.checkInOk,
  acknowledge: VISIT_ACTIONS.acknowledge,
  staffSafe: VISIT_ACTIONS.staffSafe,
  openRecord: VISIT_ACTIONS.openRecord,
  submitRecord: RECORD_FORM_ID,
  submitStaffSafe: DECISION_FORMS.staffSafe,
} as const;

/** Verbs that submit a form (the rest are buttons). */
const FORM_VERBS = new Set<string>(FORM_IDS);

/** The code word is never put back on a card: the card stays in the chat's history. */
const NEVER_ECHO = ["code_word"];

/**
 * An `adaptiveCard/action` invoke (Universal Actions). The answer is the invoke response: a card
 * that replaces the one pressed, a short message, or an error that Teams shows on the card. The
 * same form sent twice (a double click, a retry, another instance) has one effect.
 */
export async function onCardAction(t: TeamsContext, activity: InboundActivity): Promise<AdaptiveCardActionResponse> {
  const parsed = cardActionSchema.safeParse(activity.value);
  if (!parsed.success) return errorResponse("This button sent nothing homevisit can read.", "invalid-request");
  const { verb, data } = parsed.data.action;
  await t.bindings.rememberSender(activity).catch(() => undefined);
  const actor = identify(t.ctx, "teams", activity.from.aadObjectId);
  if (actor instanceof DomainError) return errorResponse(errorText(actor), actor.code);
  const timezone = t.ctx.policy.school.timezone;
  const values = readCardValues(data, timezone);
  try {
    const result = FORM_VERBS.has(verb)
      ? await submitForm(t.ctx, actor, {
          formId: verb,
          values,
          metadata: carried(data, "metadata") || carried(data, "visitId"),
          ...(activity.replyToId ? { onceKey: `teams:form:${activity.conversation.id}#${activity.replyToId}` } : {}),
        })
      : await pressButton(t.ctx, actor, { actionId: verb, visitId: carried(data, "visitId"), inputs: values });
    return respond(withCodeWordNote(result), data, timezone);
  } catch (error) {
    t.ctx.log.error("teams: card action failed", { verb, error: String(error) });
    return errorResponse(SOMETHING_WRONG, "internal", 500);
  }
}

function respond(result: InteractionResult, data: Record<string, unknown>, timezone: string): AdaptiveCardActionResponse {
  switch (result.kind) {
    case "done":
      return result.card ? cardResponse(messageCard(result.card)) : messageResponse(result.note ?? "Done.");
    case "form":
      return cardResponse(
        formCard(result.form, {
          values: result.errors ? data : undefined,
          errors: result.errors,
          neverEcho: NEVER_ECHO,
          timezone,
        }),
      );
    case "refused":
      return errorResponse(result.text, result.code);
    case "answer":
      return messageResponse(result.answer.kind === "text" ? result.answer.text : "Done.");
  }
}

export function cardResponse(card: AdaptiveCard): AdaptiveCardActionResponse {
  return {
    statusCode: 200,
    type: "application/vnd.microsoft.card.adaptive",
    value: card as unknown as Extract<
      AdaptiveCardActionResponse,
      { statusCode: 200; type: "application/vnd.microsoft.card.adaptive" }
    >["value"],
  };
}

export function messageResponse(message: string): AdaptiveCardActionResponse {
  return { statusCode: 200, type: "application/vnd.microsoft.activity.message", value: message };
}

/** Teams shows `message` on the card; `code` is the DomainError code (stable, for tests and logs). */
export function errorResponse(message: string, code: string, statusCode: 400 | 500 = 400): AdaptiveCardActionResponse {
  return {
    statusCode,
    type: "application/vnd.microsoft.error",
    value: { code, message, innerHttpError: { statusCode, body: { code, message } } },
  };
}
