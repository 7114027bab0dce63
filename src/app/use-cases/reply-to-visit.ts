import { matchesCodeWord } from "../../domain/code-word.js";
import { DomainError, type Result } from "../../domain/domain-error.js";
import { applyReply, type ReplyInput } from "../../domain/replies/apply-reply.js";
import { parseReply } from "../../domain/replies/reply-words.js";
import { hasStops } from "../../domain/stops.js";
import { type Actor, isOnVisit, type Visit } from "../../domain/visit.js";
import { normaliseVisitId } from "../../domain/visit-id.js";
import type { AppContext } from "../ports.js";
import { changeVisit } from "./change-visit.js";
import { commitVisit } from "./commit-visit.js";

export type ReplyHandled = { handled: false } | { handled: true; visit: Visit; action: string; duplicate?: boolean };

export interface ReplyOptions {
  /** Where they wrote: answers go back there. */
  origin?: "thread" | "dm";
  /** The platform's id for this message, so a retried delivery of it has one effect. */
  onceKey?: string;
}

/**
 * One of the pair writes about their visit (in its thread, or to the bot directly): check the
 * code word first (silently), read the reply, move the visit on, save, and answer where they
 * wrote. Someone else's conversation is left alone; words from the pair that homevisit cannot
 * read, while the visit runs, are answered and passed to the office.
 */
export async function replyToVisit(
  ctx: AppContext,
  actor: Actor,
  visitId: string,
  text: string,
  options: ReplyOptions = {},
): Promise<Result<ReplyHandled>> {
  const id = normaliseVisitId(visitId);
  const before = await ctx.store.getVisit(id);
  if (!before) return { ok: false, error: new DomainError("visit-not-found", `There is no home visit ${id}.`) };
  const input = await readReply(before, actor, text);
  if (!input) return { ok: true, value: { handled: false } };
  if (!isOnVisit(before, actor.staffId))
    return { ok: false, error: new DomainError("not-on-visit", "Only the staff on this visit can check in here.") };
  return changeVisit(ctx, id, async (visit, tx, reach): Promise<ReplyHandled> => {
    if (options.onceKey && !(await tx.claimOnce(options.onceKey)).first)
      return { handled: true, visit, action: "duplicate", duplicate: true };
    const outcome = applyReply(visit, input, actor.staffId, ctx.clock.now(), reach(visit.platform));
    if (!outcome.ok) throw outcome.error;
    if (!outcome.value) return { handled: false };
    const saved = await commitVisit(ctx, tx, reach, {
      visit: outcome.value.visit,
      effects: outcome.value.effects,
      actor,
      action: outcome.value.action,
      // Never the text itself: it may be the code word.
      detail: { ...(input.type === "delay" ? { minutes: input.minutes } : {}), ...stopDetail(outcome.value.visit, input) },
      ...(options.origin === "dm" ? { answerTo: { kind: "dm" as const, staffId: actor.staffId } } : {}),
    });
    return { handled: true, visit: saved, action: outcome.value.action };
  });
}

/** A press of the check-in button counts exactly as typing ok. */
export function checkInByButton(ctx: AppContext, actor: Actor, visitId: string): Promise<Result<ReplyHandled>> {
  return replyToVisit(ctx, actor, visitId, "ok");
}

/** The code word before anything else (scrypt, off the row lock); then the reply words; then "unknown". */
async function readReply(visit: Visit, actor: Actor, text: string): Promise<ReplyInput | null> {
  const onVisit = isOnVisit(visit, actor.staffId);
  if (onVisit && visit.codeWordHash && (await matchesCodeWord(text, visit.codeWordHash))) return { type: "code_word" };
  const reply = parseReply(text);
  if (reply) return reply;
  return onVisit ? { type: "unknown", text } : null;
}

/** A day of visits in the audit trail: which stop they moved on to, and the stops never reached. */
function stopDetail(visit: Visit, input: ReplyInput): Record<string, unknown> {
  if (!hasStops(visit)) return {};
  if (input.type === "next") return { stop: (visit.progress.stop ?? 0) + 1 };
  const skipped = (visit.progress.stopLogs ?? []).flatMap((log, i) => (log?.skipped ? [i + 1] : []));
  return input.type === "back" || input.type === "left" ? { skippedStops: skipped } : {};
}
