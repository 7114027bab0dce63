import { matchesCodeWord } from "../../domain/code-word.js";
import { DomainError, type Result } from "../../domain/domain-error.js";
import type { Actor, Visit } from "../../domain/visit.js";
import { applyReply, parseReply, type VisitReply } from "../../domain/visit-replies.js";
import type { AppContext } from "../app-context.js";
import { asResult } from "./as-result.js";
import { commitVisit } from "./commit-visit.js";
import { loadVisitForUpdate } from "./load-visit.js";

export type ReplyHandled = { handled: false } | { handled: true; visit: Visit; action: string };

/**
 * One of the pair writes in the visit's thread: check the code word first (silently), read the
 * reply, move the visit on, save, and answer in the thread. Ordinary chat is left alone.
 */
export async function replyInThread(ctx: AppContext, actor: Actor, visitId: string, text: string): Promise<Result<ReplyHandled>> {
  return asResult(async () => {
    const result = await ctx.store.inTransaction(async (tx): Promise<ReplyHandled> => {
      const visit = await loadVisitForUpdate(tx, visitId);
      const reply = await readReply(visit, actor, text);
      if (!reply) return { handled: false };
      const outcome = applyReply(visit, reply, actor.staffId, ctx.clock.now());
      if (!outcome.ok) throw outcome.error;
      const saved = await commitVisit(ctx, tx, {
        visit: outcome.value.visit,
        effects: outcome.value.effects,
        actor,
        action: outcome.value.action,
        // Never the text itself: it may be the code word.
        detail: reply.type === "delay" ? { minutes: reply.minutes } : {},
      });
      return { handled: true, visit: saved, action: outcome.value.action };
    });
    if (result.handled) ctx.kick();
    return result;
  });
}

/** A press of the check-in button counts exactly as typing ok. */
export function checkInByButton(ctx: AppContext, actor: Actor, visitId: string): Promise<Result<ReplyHandled>> {
  return replyInThread(ctx, actor, visitId, "ok");
}

async function readReply(visit: Visit, actor: Actor, text: string): Promise<VisitReply | null> {
  const onVisit = visit.request.lead.staffId === actor.staffId || visit.request.second?.staffId === actor.staffId;
  if (onVisit && visit.codeWordHash && (await matchesCodeWord(text.replace(/<@[^>]+>/g, ""), visit.codeWordHash)))
    return { type: "code_word" };
  const reply = parseReply(text);
  if (reply && !onVisit) throw new DomainError("not-on-visit", "Only the staff on this visit can check in here.");
  return reply;
}
