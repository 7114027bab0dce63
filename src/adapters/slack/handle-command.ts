import type { App, RespondArguments, types } from "@slack/bolt";
import type { AppContext } from "../../app/app-context.js";
import { requestForm } from "../../app/messages/request-form.js";
import { answerCommand, COMMAND_HELP, type CommandAnswer } from "../../app/use-cases/answer-command.js";
import type { Policy } from "../../domain/policy.js";
import type { Directory } from "../../domain/school-directory.js";
import type { Actor } from "../../domain/visit.js";
import { afterWaitingRequests } from "./ack-first.js";
import { renderMessage } from "./block-kit.js";
import { renderForm } from "./modal-view.js";
import { actorFor } from "./slack-actor.js";
import { escapeMrkdwn } from "./slack-text.js";

type ModalView = types.ModalView;

export const SLASH_COMMAND = "/homevisit";

/** Slack needs an answer within 3 s; past this the command is acknowledged and answered later. */
const ANSWER_WITHIN_MS = 2_000;

/**
 * `/homevisit` and its subcommands (the shared vocabulary in answerCommand). No subcommand opens
 * the request form; everything else is answered ephemerally, seen only by whoever typed it.
 */
export function registerCommand(app: App, ctx: AppContext): void {
  app.command(SLASH_COMMAND, async ({ command, ack, respond, client }) => {
    const text = command.text.trim();
    if (/^help\b/i.test(text)) return void (await ack(ephemeral(COMMAND_HELP)));
    const found = actorFor(ctx, command.user_id);
    if (!found.ok) return void (await ack(ephemeral(found.text)));
    const actor = found.actor;

    if (text === "" || /^(new|request)$/i.test(text)) {
      await ack();
      await afterWaitingRequests();
      await openRequestForm(ctx, actor, command.trigger_id, client, respond);
      return;
    }

    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<"late">((resolve) => {
      timer = setTimeout(() => resolve("late"), ANSWER_WITHIN_MS);
    });
    const answer = answerCommand(ctx, actor, text).catch((error: unknown): CommandAnswer => {
      ctx.log.error("slack: /homevisit failed", { error: String(error) });
      return { kind: "text", text: "Something went wrong; it has been logged. Please try again." };
    });
    const first = await Promise.race([answer, late]);
    clearTimeout(timer);
    if (first !== "late") {
      if (first.kind === "open_request_form") {
        await ack();
        await openRequestForm(ctx, actor, command.trigger_id, client, respond);
      } else await ack(render(first));
      return;
    }
    await ack(ephemeral("Working on it…"));
    const done = await answer;
    await respond(done.kind === "open_request_form" ? ephemeral("Type /homevisit to open the form.") : render(done));
  });
}

async function openRequestForm(
  ctx: AppContext,
  actor: Actor,
  triggerId: string,
  client: App["client"],
  respond: (message: RespondArguments) => Promise<unknown>,
): Promise<void> {
  try {
    await client.views.open({ trigger_id: triggerId, view: requestFormView(ctx, actor.staffId) });
  } catch (error) {
    ctx.log.warn("slack: views.open failed for /homevisit", { error: String(error) });
    await respond(ephemeral("Slack did not open the request form in time. Please type /homevisit again."));
  }
}

/**
 * The request form as a modal depends only on the policy, the directory and who asks: built once
 * per person (for the policy and directory objects in use), not on every /homevisit.
 */
const formViews = new WeakMap<Policy, WeakMap<Directory, Map<string, ModalView>>>();

function requestFormView(ctx: AppContext, staffId: string): ModalView {
  const byDirectory = formViews.get(ctx.policy) ?? new WeakMap<Directory, Map<string, ModalView>>();
  formViews.set(ctx.policy, byDirectory);
  const byStaff = byDirectory.get(ctx.directory) ?? new Map<string, ModalView>();
  byDirectory.set(ctx.directory, byStaff);
  const view = byStaff.get(staffId) ?? renderForm(requestForm(ctx.policy, ctx.directory, staffId));
  byStaff.set(staffId, view);
  return view;
}

function render(answer: Exclude<CommandAnswer, { kind: "open_request_form" }>): RespondArguments {
  if (answer.kind === "text") return ephemeral(answer.text);
  const { text, blocks } = renderMessage(answer.message);
  return { response_type: "ephemeral", text, blocks };
}

function ephemeral(text: string): RespondArguments {
  return { response_type: "ephemeral", text: escapeMrkdwn(slashed(text)) };
}

/** The shared vocabulary says "homevisit status"; in Slack it is typed "/homevisit status". */
export function slashed(text: string): string {
  return text.replace(/(^|[\s(:])homevisit(?=(?: (?:status|list|cancel|record|export|help|to)\b| —|[.,]|$))/gm, "$1/homevisit");
}
