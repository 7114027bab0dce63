import type { AppContext } from "../../app/app-context.js";
import { errorText } from "../../app/messages/error-text.js";
import { DomainError } from "../../domain/domain-error.js";
import type { Actor } from "../../domain/visit.js";
import { resolveActor } from "../resolve-actor.js";

export type ActorLookup = { ok: true; actor: Actor } | { ok: false; text: string };

/** The member of staff behind a Slack user id, or the words that explain why there is none. */
export function actorFor(ctx: AppContext, slackUserId: string | undefined): ActorLookup {
  try {
    return { ok: true, actor: resolveActor(ctx.directory, "slack", slackUserId ?? "") };
  } catch (error) {
    if (error instanceof DomainError) return { ok: false, text: errorText(error) };
    throw error;
  }
}
