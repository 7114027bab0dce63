import { z } from "zod";
import { identify } from "../../app/interactions/identify.js";
import { pressButton } from "../../app/interactions/press-button.js";
import { receiveMessage } from "../../app/interactions/receive-message.js";
import type { InteractionResult } from "../../app/interactions/results.js";
import { submitForm } from "../../app/interactions/submit-form.js";
import { errorText } from "../../app/messages/error-text.js";
import type { NeutralForm } from "../../app/messages/neutral-message.js";
import type { AppContext } from "../../app/ports.js";
import { answerCommand } from "../../app/use-cases/answer-command.js";
import { runSafetyTick } from "../../app/use-cases/run-safety-tick.js";
import { addMinutes } from "../../domain/clock.js";
import { DomainError } from "../../domain/domain-error.js";
import type { Actor } from "../../domain/visit.js";
import { ClockRefused, ConsoleClock } from "./console-clock.js";
import type { ConsoleInbox } from "./console-inbox.js";
import { formValues, renderForm } from "./render-form.js";
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

/** Everything the page can ask for, one JSON command per POST /console/act (the acceptance tests' too). */
export const commandSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("button"), as, actionId: z.string().max(80), value: z.string().max(200), ts: z.string().max(40) }),
  z.object({ type: z.literal("submit"), as, formId: z.string().max(80), metadata: z.string().max(200).default(""), values }),
  z.object({ type: z.literal("reply"), as, threadTs: z.string().max(40), text: z.string().trim().min(1).max(4000) }),
  z.object({ type: z.literal("command"), as, text: z.string().max(1000) }),
  z.object({ type: z.literal("dismiss"), as, id: z.number().int() }),
  z.object({ type: z.literal("speed"), speed: z.number() }),
  z.object({ type: z.literal("skip_to_school_day") }),
  z.object({ type: z.literal("tick") }),
]);
export type ConsoleCommand = z.infer<typeof commandSchema>;

/** Carries out one command from the page, as the person it names, through the app's interactions. */
export async function act(deps: ConsoleDeps, input: unknown): Promise<ActResponse> {
  const parsed = commandSchema.safeParse(input);
  if (!parsed.success) return { status: 400, body: { ok: false, note: "The console did not understand that request." } };
  const command = parsed.data;
  if (command.type === "speed" || command.type === "skip_to_school_day") return changeClock(deps, command);
  if (command.type === "tick") {
    const acted = await runSafetyTick(deps.ctx);
    deps.ctx.kick();
    return closed(acted === 0 ? "Timers run: nothing was due." : `Timers run: ${acted} visit${acted === 1 ? "" : "s"} acted on.`);
  }
  const actor = identify(deps.ctx, "console", command.as);
  if (actor instanceof DomainError) return { status: 400, body: { ok: false, note: errorText(actor) } };
  const tz = deps.ctx.policy.school.timezone;
  switch (command.type) {
    case "button":
      return show(
        deps,
        actor,
        command.ts,
        await pressButton(deps.ctx, actor, { actionId: command.actionId, visitId: command.value }),
      );
    case "submit":
      return show(
        deps,
        actor,
        "you",
        await submitForm(deps.ctx, actor, {
          formId: command.formId,
          values: formValues(command.values, tz),
          metadata: command.metadata,
        }),
        command.values,
      );
    case "reply":
      return reply(deps, actor, command.threadTs, command.text);
    case "command":
      return slashCommand(deps, actor, command.text);
    case "dismiss":
      deps.inbox.dismiss(actor.staffId, command.id);
      return { status: 200, body: { ok: true } };
  }
}

function closed(note?: string): ActResponse {
  return { status: 200, body: { ok: true, close: true, ...(note ? { note } : {}) } };
}

/** An interaction's result on the page: a dialog, a note beside what was pressed, or both closed. */
function show(
  deps: ConsoleDeps,
  actor: Actor,
  where: string,
  result: InteractionResult,
  typed?: Record<string, string>,
): ActResponse {
  switch (result.kind) {
    case "form":
      return {
        status: 200,
        body: {
          ok: !result.errors,
          form: renderForm(result.form, {
            values: typed ?? result.values ?? {},
            errors: result.errors,
            actingAs: actor.name,
            timezone: deps.ctx.policy.school.timezone,
          }),
        },
      };
    case "refused":
      deps.inbox.note(actor.staffId, where, result.text, "warning");
      return { status: 200, body: { ok: false, note: result.text } };
    case "done":
      if (result.note && where === "you") deps.inbox.note(actor.staffId, "you", result.note, "success");
      return closed(result.note);
    case "answer":
      return closed();
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

/** A form from a command; the request form's times are suggested from the school's clock, so a sped-up demo still works. */
function openForm(deps: ConsoleDeps, actor: Actor, form: NeutralForm): ActResponse {
  const tz = deps.ctx.policy.school.timezone;
  const now = deps.ctx.clock.now();
  const start = addMinutes(new Date(Math.ceil(now.getTime() / 300_000) * 300_000), 15);
  const values = { planned_start: toSchoolInput(start, tz), expected_return: toSchoolInput(addMinutes(start, 60), tz) };
  return { status: 200, body: { ok: true, form: renderForm(form, { values, actingAs: actor.name }) } };
}

/**
 * A person writes in a visit's thread: the message shows in the thread as theirs, then the app
 * reads it as a reply (check-in, leaving, the code word…). Refusals come back to them only.
 */
async function reply(deps: ConsoleDeps, actor: Actor, threadTs: string, text: string): Promise<ActResponse> {
  const parent = deps.inbox.find(threadTs);
  if (!parent || parent.parentTs)
    return { status: 404, body: { ok: false, note: "That thread is not on the console any more." } };
  deps.inbox.postAsPerson(parent.channel, parent.ts, actor.staffId, actor.name, text);
  const result = await receiveMessage(deps.ctx, {
    platform: "console",
    from: actor.staffId,
    text,
    place: { kind: "thread", channel: parent.channel, threadId: parent.ts },
  });
  if (result.kind === "refused") {
    deps.inbox.note(actor.staffId, `thread:${parent.ts}`, result.text, "warning");
    return { status: 200, body: { ok: false, note: result.text } };
  }
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
    case "open_form":
      return openForm(deps, actor, answer.form);
    case "text":
      deps.inbox.note(actor.staffId, "you", answer.text);
      return { status: 200, body: { ok: true, note: answer.text } };
    case "message":
      deps.inbox.note(actor.staffId, "you", answer.message.text, "normal", answer.message);
      return { status: 200, body: { ok: true } };
  }
}
