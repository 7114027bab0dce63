import type { App, RespondArguments } from "@slack/bolt";
import { recognise } from "../../app/interactions/recognise.js";
import { SCHOOL_SETUP, setUpSchool } from "../../app/interactions/set-up-school.js";
import { errorText, SOMETHING_WRONG } from "../../app/messages/error-text.js";
import type { NeutralForm } from "../../app/messages/neutral-message.js";
import type { AppContext } from "../../app/ports.js";
import { answerCommand, type CommandAnswer, commandHelp, isAdminActor, opensForm } from "../../app/use-cases/answer-command.js";
import { DomainError } from "../../domain/domain-error.js";
import { afterWaitingRequests } from "./ack-first.js";
import { renderForm } from "./modal-view.js";
import { schoolOf } from "./school-middleware.js";
import { recentFile } from "./shared-file.js";
import { ephemeral, ephemeralAnswer } from "./slack-answers.js";
import { readMentions, slackPeople } from "./slack-people.js";

export const SLASH_COMMAND = "/homevisit";

/** Slack needs an answer within 3 s; past this the command is acknowledged and answered later. */
const ANSWER_WITHIN_MS = 2_000;

/**
 * `/homevisit` and its subcommands (the shared vocabulary in answerCommand). No subcommand opens
 * the request form; everything else is answered ephemerally, seen only by whoever typed it.
 */
export function registerCommand(app: App, home: AppContext): void {
  app.command(SLASH_COMMAND, async ({ command, ack, respond, client, context }) => {
    const ctx = schoolOf(context, home);
    const school = SCHOOL_SETUP.exec(command.text.trim());
    if (school) {
      const founder = { platform: "slack" as const, userId: command.user_id, name: command.user_name || "Admin" };
      return void (await ack(
        ephemeral(
          await setUpSchool(
            ctx,
            founder,
            { workspace: command.team_id, ...(command.channel_id.startsWith("D") ? {} : { channel: command.channel_id }) },
            school[1] ?? "",
          ),
        ),
      ));
    }
    const people = slackPeople(client);
    const { words: text, mentions, groups } = readMentions(command.text, people);
    const actor = await recognise(ctx, "slack", command.user_id, people);
    if (/^help\b/i.test(text))
      return void (await ack(ephemeral(commandHelp("slack", !(actor instanceof DomainError) && isAdminActor(ctx, actor)))));
    if (actor instanceof DomainError) return void (await ack(ephemeral(errorText(actor))));

    if (opensForm(text)) {
      // A form answers with views.open, not with the ack: acknowledge first, then build it (it
      // reads the person's details) within the trigger's 3 s.
      await ack();
      await afterWaitingRequests();
      const answer = await answerCommand(ctx, actor, text).catch((error: unknown): CommandAnswer => {
        ctx.log.error("slack: /homevisit failed", { error: String(error) });
        return { kind: "text", text: SOMETHING_WRONG };
      });
      if (answer.kind === "open_form") await openForm(ctx, answer.form, command.trigger_id, client, respond);
      else await respond(ephemeralAnswer(answer));
      return;
    }

    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<"late">((resolve) => {
      timer = setTimeout(() => resolve("late"), ANSWER_WITHIN_MS);
    });
    // A command typed in a channel can set that channel up; a direct message cannot.
    const inChannel = !command.channel_id.startsWith("D") && command.channel_name !== "directmessage";
    const options = {
      ...(inChannel ? { channel: { channel: command.channel_id } } : {}),
      mentions,
      groups,
      people,
      // A slash command carries no file: `attendance` reads the CSV the person shared here just before.
      attachment: recentFile(client, command.user_id, command.channel_id),
    };
    const answer = answerCommand(ctx, actor, text, options).catch((error: unknown): CommandAnswer => {
      ctx.log.error("slack: /homevisit failed", { error: String(error) });
      return { kind: "text", text: SOMETHING_WRONG };
    });
    const first = await Promise.race([answer, late]);
    clearTimeout(timer);
    if (first !== "late") {
      if (first.kind === "open_form") {
        await ack();
        await afterWaitingRequests();
        await openForm(ctx, first.form, command.trigger_id, client, respond);
      } else await ack(ephemeralAnswer(first));
      return;
    }
    await ack(ephemeral("Working on it…"));
    const done = await answer;
    await respond(done.kind === "open_form" ? ephemeral("Type /homevisit to open the form.") : ephemeralAnswer(done));
  });
}

async function openForm(
  ctx: AppContext,
  form: NeutralForm,
  triggerId: string,
  client: App["client"],
  respond: (message: RespondArguments) => Promise<unknown>,
): Promise<void> {
  try {
    await client.views.open({ trigger_id: triggerId, view: renderForm(form) });
  } catch (error) {
    ctx.log.warn("slack: views.open failed for /homevisit", { error: String(error) });
    await respond(ephemeral("Slack did not open the form in time. Please type /homevisit again."));
  }
}
