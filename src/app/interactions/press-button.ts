import type { DecisionInput } from "../../domain/approval.js";
import type { Result } from "../../domain/domain-error.js";
import type { SafeHow } from "../../domain/safety-effects.js";
import { findStaff } from "../../domain/school-directory.js";
import type { Actor, Visit } from "../../domain/visit.js";
import { normaliseVisitId } from "../../domain/visit-id.js";
import { resolvedCard, takenCard } from "../messages/alert-messages.js";
import { APPROVAL_ACTIONS, approvalCard } from "../messages/approval-card.js";
import { changesForm, conditionsForm, DECISION_INPUTS, declineForm, staffSafeForm } from "../messages/decision-forms.js";
import type { NeutralForm } from "../messages/neutral-message.js";
import { resubmitForm } from "../messages/resubmit-form.js";
import { timeOf } from "../messages/visit-details.js";
import { notice, VISIT_ACTIONS } from "../messages/visit-messages.js";
import type { AppContext } from "../ports.js";
import { checkCanDecide, decideOnVisit } from "../use-cases/decide-visit.js";
import { checkInByButton } from "../use-cases/reply-to-visit.js";
import { acknowledgeAlert, confirmStaffSafe } from "../use-cases/respond-to-alert.js";
import { openRecordForm } from "../use-cases/submit-record.js";
import { ATTENDANCE_BUTTONS } from "./attendance-interactions.js";
import { done, type InteractionResult, refused } from "./results.js";

export interface ButtonPress {
  actionId: string;
  visitId: string;
  /** What the button carried with it: Teams' ShowCard inputs (a reason, conditions, how). */
  inputs?: Record<string, string>;
}

type ButtonHandler = (ctx: AppContext, actor: Actor, press: ButtonPress) => Promise<InteractionResult>;

/** A pressed button, on any platform: the one table from action id to use case. */
export async function pressButton(ctx: AppContext, actor: Actor, press: ButtonPress): Promise<InteractionResult> {
  // Attendance cards carry a trigger's (or a follow-up's) id, never a visit's.
  const attendance = ATTENDANCE_BUTTONS[press.actionId];
  if (attendance) return attendance(ctx, actor, press);
  const handler = BUTTONS[press.actionId];
  if (!handler)
    return {
      kind: "refused",
      code: "unknown-action",
      text: `This button (${press.actionId || "no id"}) is not one homevisit knows.`,
    };
  if (!press.visitId)
    return {
      kind: "refused",
      code: "visit-not-found",
      text: "This button is missing its visit id; homevisit status lists your visits.",
    };
  return handler(ctx, actor, { ...press, visitId: normaliseVisitId(press.visitId) });
}

const BUTTONS: Record<string, ButtonHandler> = {
  [APPROVAL_ACTIONS.approve]: (ctx, actor, press) => decide(ctx, actor, press.visitId, { outcome: "approve" }),
  [APPROVAL_ACTIONS.decline]: async (ctx, actor, press) => {
    if (press.inputs && DECISION_INPUTS.reason in press.inputs)
      return decide(ctx, actor, press.visitId, { outcome: "decline", reason: press.inputs.reason ?? "" });
    return askToDecide(ctx, actor, press.visitId, declineForm, "decline");
  },
  [APPROVAL_ACTIONS.conditions]: async (ctx, actor, press) => {
    if (press.inputs && hasAny(press.inputs, [DECISION_INPUTS.requirePair, DECISION_INPUTS.police, DECISION_INPUTS.note]))
      return decide(ctx, actor, press.visitId, conditionsFrom(press.inputs));
    return askToDecide(ctx, actor, press.visitId, conditionsForm);
  },
  [APPROVAL_ACTIONS.changes]: async (ctx, actor, press) => {
    if (press.inputs && DECISION_INPUTS.note in press.inputs)
      return decide(ctx, actor, press.visitId, { outcome: "changes", note: press.inputs.note ?? "" });
    return askToDecide(ctx, actor, press.visitId, changesForm, "decline");
  },
  [APPROVAL_ACTIONS.resubmit]: async (ctx, actor, press) => {
    const visit = await ctx.store.getVisit(press.visitId);
    if (!visit) return { kind: "refused", code: "visit-not-found", text: `There is no home visit ${press.visitId}.` };
    if (visit.requesterId !== actor.staffId)
      return { kind: "refused", code: "not-the-requester", text: "Only the person who requested this visit can change it." };
    if (visit.status !== "changes_requested")
      return {
        kind: "refused",
        code: "invalid-transition",
        text: "This visit is not waiting for changes: it was already sent again or decided.",
      };
    return { kind: "form", form: resubmitForm(ctx.policy, ctx.directory, visit) };
  },
  [VISIT_ACTIONS.checkInOk]: async (ctx, actor, press) => {
    const result = await checkInByButton(ctx, actor, press.visitId);
    if (!result.ok) return refused(result.error);
    const time = result.value.handled ? timeOf(result.value.visit, ctx.clock.now()) : "";
    return done(
      `Thanks, ${actor.name}: checked in on home visit ${press.visitId} at ${time}.`,
      notice(`✅ ${actor.name} checked in at ${time}.`, "success"),
    );
  },
  [VISIT_ACTIONS.acknowledge]: async (ctx, actor, press) => {
    const result = await acknowledgeAlert(ctx, actor, press.visitId, press.inputs?.note);
    if (!result.ok) return refused(result.error);
    const taken = result.value.progress.alarm?.acknowledged ?? result.value.progress.ladder?.acknowledged;
    const until = taken?.until ?? ctx.clock.now().toISOString();
    return done(
      `Noted: you are dealing with home visit ${result.value.id}. The alert is paused until ${timeOf(result.value, until)} and goes on unless the staff are confirmed safe.`,
      takenCard(result.value, actor.name, ctx.clock.now().toISOString(), until, press.inputs?.note),
    );
  },
  [VISIT_ACTIONS.staffSafe]: async (ctx, actor, press) => {
    if (press.inputs?.how) return standDown(ctx, actor, press.visitId, press.inputs.how, press.inputs.note);
    const visit = await ctx.store.getVisit(press.visitId);
    if (visit && !visit.progress.ladder && !visit.progress.alarm)
      return {
        kind: "refused",
        code: "invalid-transition",
        text: "There is no alert running for this visit: it has already been stood down.",
      };
    return { kind: "form", form: staffSafeForm(press.visitId) };
  },
  [VISIT_ACTIONS.openRecord]: async (ctx, actor, press) => {
    const opened = await openRecordForm(ctx, actor, press.visitId);
    return opened.ok ? { kind: "form", form: opened.form } : refused(opened.error);
  },
};

/** The approval card, as it now reads, replaces the one pressed; the outbox updates every copy. */
export async function decide(ctx: AppContext, actor: Actor, visitId: string, input: DecisionInput): Promise<InteractionResult> {
  return decided(ctx, await decideOnVisit(ctx, actor, visitId, input));
}

function decided(ctx: AppContext, result: Result<Visit>): InteractionResult {
  if (!result.ok) return refused(result.error);
  const requester = findStaff(ctx.directory, result.value.requesterId)?.name ?? result.value.requesterId;
  return done(undefined, approvalCard(result.value, requester));
}

/** A decision that needs words opens its form, unless the person may not decide at all. */
async function askToDecide(
  ctx: AppContext,
  actor: Actor,
  visitId: string,
  form: (visitId: string) => NeutralForm,
  intent: "approve" | "decline" = "approve",
): Promise<InteractionResult> {
  const allowed = await checkCanDecide(ctx, actor, visitId, intent);
  return allowed.ok ? { kind: "form", form: form(allowed.value.id) } : refused(allowed.error);
}

export async function standDown(
  ctx: AppContext,
  actor: Actor,
  visitId: string,
  how: string,
  note?: string,
): Promise<InteractionResult> {
  const known = ["phone", "in_person", "back_at_school", "other"];
  if (!known.includes(how))
    return { kind: "form", form: staffSafeForm(visitId), errors: { how: "Choose how you know the staff are safe." } };
  const result = await confirmStaffSafe(ctx, actor, visitId, how as SafeHow, note);
  if (!result.ok)
    return result.error.code === "invalid-request"
      ? { kind: "form", form: staffSafeForm(visitId), errors: { note: result.error.message } }
      : refused(result.error);
  return done(
    `Noted: the staff on home visit ${result.value.id} are safe. Everyone the alert reached is being told to stand down.`,
    resolvedCard(result.value, `Stood down by ${actor.name}: the staff are safe.`),
  );
}

export function conditionsFrom(inputs: Record<string, string | undefined>): DecisionInput {
  const note = inputs[DECISION_INPUTS.note]?.trim();
  return {
    outcome: "conditions",
    conditions: {
      requirePair: inputs[DECISION_INPUTS.requirePair] === "true",
      policeAccompaniment: inputs[DECISION_INPUTS.police] === "true",
      ...(note ? { note } : {}),
    },
  };
}

function hasAny(inputs: Record<string, string>, keys: readonly string[]): boolean {
  return keys.some((key) => key in inputs);
}

/** Every button homevisit shows, by action id (Slack action_id, Teams verb): part of the outside contract. */
export const BUTTON_IDS: readonly string[] = [...Object.keys(BUTTONS), ...Object.keys(ATTENDANCE_BUTTONS)];
