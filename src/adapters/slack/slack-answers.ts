import type { RespondArguments } from "@slack/bolt";
import type { CommandAnswer } from "../../app/use-cases/answer-command.js";
import { renderMessage } from "./block-kit.js";
import { escapeMrkdwn } from "./slack-text.js";

/** A command's text or card as an ephemeral answer (seen only by whoever asked). */
export function ephemeralAnswer(answer: Exclude<CommandAnswer, { kind: "open_form" }>): RespondArguments {
  if (answer.kind === "text") return ephemeral(answer.text);
  const { text, blocks } = renderMessage(answer.message);
  return { response_type: "ephemeral", text, blocks };
}

export function ephemeral(text: string): RespondArguments {
  return { response_type: "ephemeral", text: escapeMrkdwn(slashed(text)) };
}

/** The shared vocabulary says "homevisit status"; in Slack it is typed "/homevisit status". */
export function slashed(text: string): string {
  return text.replace(
    /(^|[\s(:"])homevisit(?=(?: (?:status|list|cancel|record|export|help|setup|to)\b| —|[.,]|$))/gm,
    "$1/homevisit",
  );
}

/** What a person sees when something failed on our side: never silence, never a false success. */
