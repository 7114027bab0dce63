import { z } from "zod";
import type { AppContext } from "../../app/app-context.js";
import { APPROVAL_ACTIONS } from "../../app/messages/approval-card.js";
import { errorText } from "../../app/messages/error-text.js";
import type { NeutralForm } from "../../app/messages/neutral-message.js";
import { RECORD_FORM_ID, recordForm, toRecordFormErrors } from "../../app/messages/record-form.js";
import { formToRequest, REQUEST_FORM_ID, requestForm, toFormErrors } from "../../app/messages/request-form.js";
import { visitLabel } from "../../app/messages/visit-details.js";
import { VISIT_ACTIONS } from "../../app/messages/visit-messages.js";
import { answerCommand } from "../../app/use-cases/answer-command.js";
import { decideOnVisit } from "../../app/use-cases/decide-visit.js";
import { checkInByButton, replyInThread } from "../../app/use-cases/reply-in-thread.js";
import { requestVisit } from "../../app/use-cases/request-visit.js";
import { acknowledgeAlert, confirmStaffSafe } from "../../app/use-cases/respond-to-alert.js";
import { runSafetyTick } from "../../app/use-cases/run-safety-tick.js";
import { submitRecord } from "../../app/use-cases/submit-record.js";
import { authoriseApprover } from "../../domain/approval.js";
import { addMinutes } from "../../domain/clock.js";
import { DomainError, type Result } from "../../domain/domain-error.js";
import { findStaff } from "../../domain/school-directory.js";
import { type Actor, isOnVisit } from "../../domain/visit.js";
import { resolveActor } from "../resolve-actor.js";
import { ClockRefused, ConsoleClock } from "./console-clock.js";
import type { ConsoleInbox } from "./console-inbox.js";
import {
  CONDITIONS_FORM_ID,
  conditionsForm,
  DECLINE_FORM_ID,
  declineForm,
  formValues,
  keptValues,
  renderForm,
} from "./render-form.js";
import { nextSchoolDayAt, toSchoolInput } from "./school-time.js";

export interface ConsoleDeps {
  ctx: AppContext;
  inbox: ConsoleInbox;
  /** NODE_ENV=production: the clock cannot be changed. */
  production: boolean;
}

export interface ActBody {
  ok: boolean;
  /** Something to tell the person (also kept as an ephemeral note on the page). */
  note?: string;
  /** A form to show (a dialog), with any errors. */
  form?: string;
  /** The open dialog is done with. */
  close?: boolean;
}

export interface ActResponse {
  status: number;
  body: ActBody;
}

const as = z.string().min(1).max(80);
const values = z.record(z.string(), z.string().max(5000));

/** Everything the page can ask for, one JSON command per POST /console/act. */
export const commandSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("button"), as, actionId: z.string().max(80), value: z.string().max(200), ts: z.string().max(40) }),
  z.object({
    type: z.literal("submit"),
    as,
    formId: z.string().max(80),
    metadata: z.string().max(200).default(""),
    values,
  }),
  z.object({ type: z.literal("reply"), as, threadTs: z.string().max(40), text: z.string().trim().min(1).max(4000) }),
  z.object({ type: z.literal("command"), as, text: z.string().max(1000) }),
  z.object({ type: z.literal("dismiss"), as, id: z.number().int() }),
  z.object({ type: z.literal("speed"), speed: z.number() }),
  z.object({ type: z.literal("skip_to_school_day") }),
  z.object({ type: z.literal("tick") }),
]);
export type ConsoleCommand = z.infer<typeof commandSchema>;

const done = (note?: string): ActResponse => ({ status: 200, body: { ok: true, close: true, ...(note ? { note } : {}) } });

/** Carries out one command from the page, as the person it names, through the app's use cases. */
export async function act(deps: ConsoleDeps, input: unknown): Promise<ActResponse> {
  const parsed = commandSchema.safeParse(input);
  if (!parsed.success) return { status: 400, body: { ok: false, note: "The console did not understand that request." } };
  const command = parsed.data;
  switch (command.type) {
    case "speed":
    case "skip_to_school_day":
      return changeClock(deps, command);
    case "tick": {
      const acted = await runSafetyTick(deps.ctx);
      deps.ctx.kick();
      return done(acted === 0 ? "Timers run: nothing was due." : `Timers run: ${acted} visit${acted === 1 ? "" : "s"} acted on.`);
    }
    default:
      break;
  }
  let actor: Actor;
  try {
    actor = resolveActor(deps.ctx.directory, "console", command.as);
  } catch (error) {
    if (error instanceof DomainError) return { status: 400, body: { ok: false, note: errorText(error) } };
    throw error;
  }
  switch (command.type) {
    case "button":
      return pressButton(deps, actor, command.actionId, command.value, command.ts);
    case "submit":
      return submitForm(deps, actor, command.formId, command.metadata, command.values);
    case "reply":
      return reply(deps, actor, command.threadTs, command.text);
    case "command":
      return slashCommand(deps, actor, command.text);
    case "dismiss":
      deps.inbox.dismiss(actor.staffId, command.id);
      return { status: 200, body: { ok: true } };
  }
}

function changeClock(deps: ConsoleDeps, command: Extract<ConsoleCommand, { type: "speed" | "skip_to_school_day" }>): ActResponse {
  if (deps.production) return { status: 403, body: { ok: false, note: "The clock cannot be changed in production." } };
  const clock = deps.ctx.clock;
  if (!(clock instanceof ConsoleClock))
    return { status: 409, body: { ok: false, note: "This app's clock is not the console's (it is set by whoever started it)." } };
  try {
    if (command.type === "speed") clock.setSpeed(command.speed);
    else {
      const { school, hours } = deps.ctx.policy;
      clock.skipTo(nextSchoolDayAt(clock.now(), school.timezone, hours.schoolDays, "10:00"));
    }
  } catch (error) {
    if (error instanceof ClockRefused) return { status: 400, body: { ok: false, note: error.message } };
    throw error;
  }
  return { status: 200, body: { ok: true } };
}

/** A refusal shown to the person only, next to what they pressed. */
function refuse(deps: ConsoleDeps, actor: Actor, where: string, error: DomainError): ActResponse {
  const text = errorText(error);
  deps.inbox.note(actor.staffId, where, text, "warning");
  return { status: 200, body: { ok: false, note: text } };
}

function outcome(deps: ConsoleDeps, actor: Actor, where: string, result: Result<unknown>): ActResponse {
  return result.ok ? done() : refuse(deps, actor, where, result.error);
}

async function pressButton(deps: ConsoleDeps, actor: Actor, actionId: string, value: string, ts: string): Promise<ActResponse> {
  const { ctx } = deps;
  switch (actionId) {
    case APPROVAL_ACTIONS.approve:
      return outcome(deps, actor, ts, await decideOnVisit(ctx, actor, value, { outcome: "approve" }));
    case APPROVAL_ACTIONS.decline:
    case APPROVAL_ACTIONS.conditions: {
      const visit = await ctx.store.getVisit(value);
      if (!visit) return refuse(deps, actor, ts, new DomainError("visit-not-found", `There is no home visit ${value}.`));
      const allowed = authoriseApprover(visit, findStaff(ctx.directory, actor.staffId), ctx.policy);
      if (!allowed.ok) return refuse(deps, actor, ts, allowed.error);
      const form = actionId === APPROVAL_ACTIONS.decline ? declineForm(visit.id) : conditionsForm(visit.id);
      return showForm(form, actor);
    }
    case VISIT_ACTIONS.checkInOk:
      return outcome(deps, actor, ts, await checkInByButton(ctx, actor, value));
    case VISIT_ACTIONS.acknowledge:
      return outcome(deps, actor, ts, await acknowledgeAlert(ctx, actor, value));
    case VISIT_ACTIONS.staffSafe:
      return outcome(deps, actor, ts, await confirmStaffSafe(ctx, actor, value));
    case VISIT_ACTIONS.openRecord: {
      const visit = await ctx.store.getVisit(value);
      if (!visit) return refuse(deps, actor, ts, new DomainError("visit-not-found", `There is no home visit ${value}.`));
      if (!isOnVisit(visit, actor.staffId))
        return refuse(
          deps,
          actor,
          ts,
          new DomainError("not-allowed", "Only the staff who made the visit can complete its form."),
        );
      return showForm(recordForm(visit), actor);
    }
    default:
      return { status: 400, body: { ok: false, note: `Unknown button ${actionId}.` } };
  }
}

function showForm(form: NeutralForm, actor: Actor, state: Omit<Parameters<typeof renderForm>[1], "actingAs"> = {}): ActResponse {
  return { status: 200, body: { ok: true, form: renderForm(form, { ...state, actingAs: actor.name }) } };
}

function formAgain(
  form: NeutralForm,
  actor: Actor,
  submitted: Record<string, string>,
  errors: Record<string, string>,
  formError?: string,
): ActResponse {
  return {
    status: 200,
    body: { ok: false, form: renderForm(form, { values: keptValues(form, submitted), errors, formError, actingAs: actor.name }) },
  };
}

/** The request form as it first opens: times suggested from the school's clock, so a sped-up demo still works. */
export function openRequestForm(deps: ConsoleDeps, actor: Actor): ActResponse {
  const tz = deps.ctx.policy.school.timezone;
  const now = deps.ctx.clock.now();
  const start = addMinutes(new Date(Math.ceil(now.getTime() / 300_000) * 300_000), 15);
  return showForm(requestForm(deps.ctx.policy, deps.ctx.directory, actor.staffId), actor, {
    values: { planned_start: toSchoolInput(start, tz), expected_return: toSchoolInput(addMinutes(start, 60), tz) },
  });
}

async function submitForm(
  deps: ConsoleDeps,
  actor: Actor,
  formId: string,
  metadata: string,
  submitted: Record<string, string>,
): Promise<ActResponse> {
  const { ctx, inbox } = deps;
  const tz = ctx.policy.school.timezone;
  switch (formId) {
    case REQUEST_FORM_ID: {
      const form = requestForm(ctx.policy, ctx.directory, actor.staffId);
      const result = await requestVisit(
        ctx,
        actor,
        formToRequest(formValues(form, submitted, tz), actor.staffId, ctx.directory),
        {
          confirmByMessage: false,
        },
      );
      if (!result.ok) return formAgain(form, actor, submitted, toFormErrors(result.errors));
      const warnings = result.visit.warnings.map((w) => `\n⚠️ ${w.text}`).join("");
      const note = `Sent for approval: home visit *${visitLabel(result.visit)}*. You will get a direct message when it is decided.${warnings}`;
      inbox.note(actor.staffId, "you", note, "success");
      return done(note);
    }
    case RECORD_FORM_ID: {
      const visit = await ctx.store.getVisit(metadata);
      if (!visit) return { status: 404, body: { ok: false, note: `There is no home visit ${metadata}.` } };
      const form = recordForm(visit);
      const result = await submitRecord(ctx, actor, visit.id, formValues(form, submitted, tz));
      if (result.ok) {
        const note = `Home Visit Form for ${visitLabel(visit)} submitted. It is in the records channel only.`;
        inbox.note(actor.staffId, "you", note, "success");
        return done(note);
      }
      if ("errors" in result) return formAgain(form, actor, submitted, toRecordFormErrors(result.errors));
      return formAgain(form, actor, submitted, {}, errorText(result.error));
    }
    case DECLINE_FORM_ID: {
      const form = declineForm(metadata);
      const reason = submitted.reason?.trim() ?? "";
      if (!reason) return formAgain(form, actor, submitted, { reason: "Give a reason for declining." });
      const result = await decideOnVisit(ctx, actor, metadata, { outcome: "decline", reason });
      return result.ok ? done() : formAgain(form, actor, submitted, {}, errorText(result.error));
    }
    case CONDITIONS_FORM_ID: {
      const form = conditionsForm(metadata);
      const note = submitted.note?.trim();
      const result = await decideOnVisit(ctx, actor, metadata, {
        outcome: "conditions",
        conditions: {
          requirePair: submitted.require_pair === "true",
          policeAccompaniment: submitted.police === "true",
          ...(note ? { note } : {}),
        },
      });
      return result.ok ? done() : formAgain(form, actor, submitted, {}, errorText(result.error));
    }
    default:
      return { status: 400, body: { ok: false, note: `Unknown form ${formId}.` } };
  }
}

/**
 * A person writes in a visit's thread: the message shows in the thread as theirs, then the app
 * reads it as a reply (check-in, leaving, the code word…). Refusals come back to them only.
 */
async function reply(deps: ConsoleDeps, actor: Actor, threadTs: string, text: string): Promise<ActResponse> {
  const { ctx, inbox } = deps;
  const parent = inbox.find(threadTs);
  if (!parent || parent.parentTs)
    return { status: 404, body: { ok: false, note: "That thread is not on the console any more." } };
  inbox.postAsPerson(parent.channel, parent.ts, actor.staffId, actor.name, text);
  const visit = await ctx.store.findVisitByMessageRef("console", "thread", "ts", parent.ts);
  if (!visit) return { status: 200, body: { ok: true } };
  const result = await replyInThread(ctx, actor, visit.id, text);
  if (!result.ok) return refuse(deps, actor, `thread:${parent.ts}`, result.error);
  return { status: 200, body: { ok: true } };
}

/** The slash command, as typed into Slack (/homevisit …) or Teams (homevisit …): the app answers it. */
async function slashCommand(deps: ConsoleDeps, actor: Actor, raw: string): Promise<ActResponse> {
  const text = raw
    .trim()
    .replace(/^\/?homevisit\b/i, "")
    .trim();
  const answer = await answerCommand(deps.ctx, actor, text);
  switch (answer.kind) {
    case "open_request_form":
      return openRequestForm(deps, actor);
    case "text":
      deps.inbox.note(actor.staffId, "you", answer.text);
      return { status: 200, body: { ok: true, note: answer.text } };
    case "message":
      deps.inbox.note(actor.staffId, "you", answer.message.text, "normal", answer.message);
      return { status: 200, body: { ok: true } };
  }
}
