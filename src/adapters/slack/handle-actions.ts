import type { AllMiddlewareArgs, App, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import { identify } from "../../app/interactions/identify.js";
import { BUTTON_IDS, pressButton } from "../../app/interactions/press-button.js";
import { errorText, SOMETHING_WRONG } from "../../app/messages/error-text.js";
import type { AppContext } from "../../app/ports.js";
import { DomainError } from "../../domain/domain-error.js";
import { afterWaitingRequests } from "./ack-first.js";
import { renderForm } from "./modal-view.js";
import { schoolOf } from "./school-middleware.js";
import { escapeMrkdwn } from "./slack-text.js";

type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** Every button on our cards, by action id: part of the outside contract. */

/**
 * The buttons on our cards. Each press is acknowledged at once; the work follows, and the presser is
 * told (ephemerally) whenever nothing else would visibly change, so no button ever seems dead.
 */
export function registerActions(app: App, home: AppContext): void {
  for (const actionId of BUTTON_IDS)
    app.action<BlockAction<ButtonAction>>(actionId, async (press) => {
      const ctx = schoolOf(press.context, home);
      await press.ack();
      await afterWaitingRequests();
      const actor = identify(ctx, "slack", press.body.user.id);
      if (actor instanceof DomainError) return tell(press, errorText(actor));
      try {
        const result = await pressButton(ctx, actor, { actionId, visitId: press.action.value ?? "" });
        if (result.kind === "form")
          await press.client.views.open({ trigger_id: press.body.trigger_id, view: renderForm(result.form) });
        else if (result.kind === "refused") await tell(press, result.text);
        else if (result.kind === "done" && result.note) await tell(press, result.note);
      } catch (error) {
        // Never a dead button: say it failed, so nobody believes it worked.
        ctx.log.error(`slack: ${actionId} failed`, { error: String(error), visitId: press.action.value });
        await tell(press, SOMETHING_WRONG);
      }
    });
}

/** An ephemeral answer to the presser: through response_url, or chat.postEphemeral without one. */
async function tell(press: ButtonArgs, text: string): Promise<void> {
  const { body, respond, client } = press;
  const safe = escapeMrkdwn(text);
  if (body.response_url && respond) await respond({ response_type: "ephemeral", replace_original: false, text: safe });
  else if (body.channel?.id) await client.chat.postEphemeral({ channel: body.channel.id, user: body.user.id, text: safe });
}
