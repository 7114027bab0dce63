import type { AdaptiveCardActionResponse } from "@microsoft/teams.api";
import { approvalCard } from "../../app/messages/approval-card.js";
import { errorText } from "../../app/messages/error-text.js";
import type { NeutralForm } from "../../app/messages/neutral-message.js";
import { RECORD_FORM_ID, recordForm, toRecordFormErrors } from "../../app/messages/record-form.js";
import { formToRequest, REQUEST_FORM_ID, requestForm, toFormErrors } from "../../app/messages/request-form.js";
import { visitLabel, when } from "../../app/messages/visit-details.js";
import { VISIT_ACTIONS } from "../../app/messages/visit-messages.js";
import { decideOnVisit } from "../../app/use-cases/decide-visit.js";
import { checkInByButton } from "../../app/use-cases/reply-in-thread.js";
import { requestVisit } from "../../app/use-cases/request-visit.js";
import { acknowledgeAlert, confirmStaffSafe } from "../../app/use-cases/respond-to-alert.js";
import { submitRecord } from "../../app/use-cases/submit-record.js";
import type { DecisionInput } from "../../domain/approval.js";
import { DomainError } from "../../domain/domain-error.js";
import { findStaff } from "../../domain/school-directory.js";
import { formatSchoolTime } from "../../domain/school-hours.js";
import { type Actor, isOnVisit, type Visit } from "../../domain/visit.js";
import { normaliseVisitId } from "../../domain/visit-id.js";
import { transition } from "../../domain/visit-lifecycle.js";
import { type AdaptiveCard, formCard, messageCard, textCard } from "./adaptive-card.js";
import { asCardData, type CardData, readConditions, readDeclineReason, readFormValues, text } from "./form-values.js";
import type { InboundActivity } from "./inbound.js";
import { actorOf, type TeamsContext } from "./teams-context.js";

/** Verbs of the cards' Action.Execute buttons: part of the outside contract. */
export const TEAMS_VERBS = {
  submitRequest: REQUEST_FORM_ID,
  approve: "visit_approve",
  decline: "visit_decline",
  conditions: "visit_conditions",
  checkIn: VISIT_ACTIONS.checkInOk,
  acknowledge: VISIT_ACTIONS.acknowledge,
  staffSafe: VISIT_ACTIONS.staffSafe,
  openRecord: VISIT_ACTIONS.openRecord,
  submitRecord: RECORD_FORM_ID,
} as const;

/** The code word is never put back on a card: the card stays in the chat's history. */
const NEVER_ECHO = ["code_word"];

type Work = (t: TeamsContext, actor: Actor, data: CardData, activity: InboundActivity) => Promise<AdaptiveCardActionResponse>;

/**
 * An `adaptiveCard/action` invoke (Universal Actions). The answer is the invoke response: a card
 * that replaces the one pressed (for everyone who sees it), a short message, or an error that
 * Teams shows on the card. A refusal never changes anything.
 */
export async function onCardAction(t: TeamsContext, activity: InboundActivity): Promise<AdaptiveCardActionResponse> {
  const action = (activity.value as { action?: { verb?: unknown; data?: unknown } } | undefined)?.action;
  const verb = typeof action?.verb === "string" ? action.verb : "";
  const data = asCardData(action?.data);
  const work = handlers[verb];
  if (!work) return errorResponse(`This button (${verb || "no verb"}) is not one homevisit knows.`, "unknown-action");
  await t.bindings.rememberSender(activity).catch(() => undefined);
  const found = actorOf(t, activity);
  if (!found.ok) return errorResponse(found.text, "unknown-staff");
  try {
    return await work(t, found.actor, data, activity);
  } catch (error) {
    if (error instanceof DomainError) return errorResponse(errorText(error), error.code);
    t.ctx.log.error("teams: card action failed", { verb, error: String(error) });
    return errorResponse("Something went wrong; it has been logged. Please try again.", "internal", 500);
  }
}

const handlers: Record<string, Work> = {
  [TEAMS_VERBS.submitRequest]: submitRequestForm,
  [TEAMS_VERBS.approve]: decide(() => ({ outcome: "approve" })),
  [TEAMS_VERBS.decline]: decide((data) => ({ outcome: "decline", reason: readDeclineReason(data) })),
  [TEAMS_VERBS.conditions]: decide((data) => ({ outcome: "conditions", conditions: readConditions(data) })),
  [TEAMS_VERBS.checkIn]: async (t, actor, data) => {
    const result = await retryStale(() => checkInByButton(t.ctx, actor, visitIdOf(data)));
    if (!result.ok) return errorResponse(errorText(result.error), result.error.code);
    return cardResponse(textCard(`✅ ${actor.name} checked in at ${timeNow(t)}.`, "success"));
  },
  [TEAMS_VERBS.acknowledge]: async (t, actor, data) => {
    const result = await acknowledgeAlert(t.ctx, actor, visitIdOf(data), text(data, "note") || undefined);
    if (!result.ok) return errorResponse(errorText(result.error), result.error.code);
    const until = result.value.progress.ladder?.acknowledged?.until;
    const pause = until ? ` Escalation is paused until ${timeOf(t, until)} and resumes unless the staff check in.` : "";
    return messageResponse(`Noted: you are dealing with home visit ${result.value.id}.${pause}`);
  },
  [TEAMS_VERBS.staffSafe]: async (t, actor, data) => {
    const result = await confirmStaffSafe(t.ctx, actor, visitIdOf(data));
    if (!result.ok) return errorResponse(errorText(result.error), result.error.code);
    return messageResponse(
      `Noted: the staff on home visit ${result.value.id} are safe. Everyone the alert reached is being told.`,
    );
  },
  [TEAMS_VERBS.openRecord]: async (t, actor, data) => {
    const id = visitIdOf(data);
    const visit = await t.ctx.store.getVisit(id);
    if (!visit) throw new DomainError("visit-not-found", `There is no home visit ${id}.`);
    if (!isOnVisit(visit, actor.staffId))
      throw new DomainError("not-allowed", "Only the staff who made the visit can complete its form.");
    if (!transition(visit.status, "complete_record").ok)
      throw new DomainError(
        "invalid-transition",
        "The Home Visit Form is completed once the visit has ended (reply back, or left not returning).",
      );
    return cardResponse(formCard(recordForm(visit), { timezone: tz(t) }));
  },
  [TEAMS_VERBS.submitRecord]: submitRecordForm,
};

function decide(input: (data: CardData) => DecisionInput): Work {
  return async (t, actor, data) => {
    const result = await decideOnVisit(t.ctx, actor, visitIdOf(data), input(data));
    if (!result.ok) return errorResponse(errorText(result.error), result.error.code);
    return cardResponse(approvalCardFor(t, result.value));
  };
}

async function submitRequestForm(t: TeamsContext, actor: Actor, data: CardData, activity: InboundActivity) {
  const form = requestForm(t.ctx.policy, t.ctx.directory, actor.staffId);
  const formMessage = formMessageKey(activity);
  return t.serialise(`request:${formMessage ?? activity.id ?? ""}`, async () => {
    // A second press of the same form (a double click) gets the first answer, not a second visit.
    if (formMessage) {
      const earlier = await t.ctx.store.findVisitByMessageRef("teams", "request_form", "key", formMessage);
      if (earlier) return cardResponse(sentForApproval(earlier));
    }
    const values = readFormValues(form, data, tz(t));
    const outcome = await requestVisit(t.ctx, actor, formToRequest(values, actor.staffId, t.ctx.directory), {
      confirmByMessage: false,
    });
    if (!outcome.ok) {
      const errors = toFormErrors(outcome.errors);
      if (values.code_word && !errors.code_word) errors.code_word = "Type your code word again: it is never kept on the card.";
      return cardResponse(formWithErrors(t, form, data, errors));
    }
    if (formMessage) await t.ctx.store.saveMessageRef(outcome.visit.id, "teams", "request_form", { key: formMessage });
    return cardResponse(sentForApproval(outcome.visit));
  });
}

async function submitRecordForm(t: TeamsContext, actor: Actor, data: CardData, activity: InboundActivity) {
  const visitId = text(data, "metadata", "visitId");
  if (!visitId) return errorResponse("This form has lost its visit id: press Complete the form again.", "invalid-request");
  const formMessage = formMessageKey(activity);
  return t.serialise(`record:${formMessage ?? activity.id ?? ""}`, async () => {
    if (formMessage) {
      const earlier = await t.ctx.store.findVisitByMessageRef("teams", "record_form", "key", formMessage);
      if (earlier?.id === normaliseVisitId(visitId)) return cardResponse(recordSaved(earlier));
    }
    const visit = await t.ctx.store.getVisit(normaliseVisitId(visitId));
    if (!visit) throw new DomainError("visit-not-found", `There is no home visit ${normaliseVisitId(visitId)}.`);
    const form = recordForm(visit);
    const outcome = await submitRecord(t.ctx, actor, visit.id, readFormValues(form, data, tz(t)));
    if (outcome.ok) {
      if (formMessage) await t.ctx.store.saveMessageRef(outcome.visit.id, "teams", "record_form", { key: formMessage });
      return cardResponse(recordSaved(outcome.visit));
    }
    if ("errors" in outcome) return cardResponse(formWithErrors(t, form, data, toRecordFormErrors(outcome.errors)));
    return errorResponse(errorText(outcome.error), outcome.error.code);
  });
}

function formWithErrors(t: TeamsContext, form: NeutralForm, data: CardData, errors: Record<string, string>): AdaptiveCard {
  return formCard(form, { values: data, errors, neverEcho: NEVER_ECHO, timezone: tz(t) });
}

function sentForApproval(visit: Visit): AdaptiveCard {
  const warnings = visit.warnings.map((w) => `⚠️ ${w.text}`).join("\n");
  return messageCard({
    text: `Home visit ${visit.id} sent for approval`,
    title: "Sent for approval",
    tone: "success",
    blocks: [
      {
        type: "text",
        text: `Home visit *${visitLabel(visit)}*, ${when(visit, visit.request.plannedStart)}, is waiting for approval.`,
      },
      ...(warnings ? [{ type: "text" as const, text: warnings }] : []),
      { type: "context", text: "The approvers have it now. homevisit status shows your visits." },
    ],
  });
}

function recordSaved(visit: Visit): AdaptiveCard {
  return textCard(`Home Visit Form for ${visitLabel(visit)} saved. Thank you: it is in the records channel.`, "success");
}

function approvalCardFor(t: TeamsContext, visit: Visit): AdaptiveCard {
  const requester = findStaff(t.ctx.directory, visit.requesterId);
  return messageCard(approvalCard(visit, requester?.name ?? visit.requesterId));
}

/** The message that carried the form (its conversation and id), so a second press of it is recognised. */
function formMessageKey(activity: InboundActivity): string | undefined {
  return activity.replyToId ? `${activity.conversation.id}#${activity.replyToId}` : undefined;
}

function visitIdOf(data: CardData): string {
  const id = text(data, "visitId");
  if (!id) throw new DomainError("visit-not-found", "This button is missing its visit id.");
  return id;
}

/** A check-in that met someone else's change at the same moment is tried again: it must not be lost. */
async function retryStale<T>(
  work: () => Promise<{ ok: true; value: T } | { ok: false; error: DomainError }>,
  attempts = 3,
): Promise<{ ok: true; value: T } | { ok: false; error: DomainError }> {
  let result = await work();
  for (let i = 1; i < attempts && !result.ok && result.error.code === "stale-visit"; i++) result = await work();
  return result;
}

function tz(t: TeamsContext): string {
  return t.ctx.policy.school.timezone;
}

function timeNow(t: TeamsContext): string {
  return formatSchoolTime(t.ctx.clock.now(), tz(t)).replace(/^.*, /, "");
}

function timeOf(t: TeamsContext, iso: string): string {
  return formatSchoolTime(new Date(iso), tz(t)).replace(/^.*, /, "");
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
