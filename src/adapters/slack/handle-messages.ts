import type { App } from "@slack/bolt";
import { z } from "zod";
import type { AppContext } from "../../app/app-context.js";
import { errorText } from "../../app/messages/error-text.js";
import { visitLabel } from "../../app/messages/visit-details.js";
import type { MessageRef } from "../../app/ports.js";
import { type ReplyHandled, replyInThread } from "../../app/use-cases/reply-in-thread.js";
import type { Result } from "../../domain/domain-error.js";
import { type Actor, isOnVisit } from "../../domain/visit.js";
import { parseReply } from "../../domain/visit-replies.js";
import type { SeenEvents } from "./seen-events.js";
import { actorFor } from "./slack-actor.js";
import { escapeMrkdwn } from "./slack-text.js";

const messageEventSchema = z.looseObject({
  type: z.literal("message"),
  subtype: z.string().optional(),
  bot_id: z.string().optional(),
  user: z.string().optional(),
  text: z.string().optional(),
  ts: z.string(),
  thread_ts: z.string().optional(),
  channel: z.string(),
  channel_type: z.string().optional(),
});
type MessageEvent = z.infer<typeof messageEventSchema>;

/**
 * Subtypes that are still someone typing a reply: a reply also sent to the channel, or one with a
 * photo. Edits, deletions, joins and bot messages are not replies.
 */
const REPLY_SUBTYPES = new Set<string | undefined>([undefined, "thread_broadcast", "file_share"]);

/** Visits a DM to the bot may be about: from approval (leaving) until the staff are back. */
const DM_STATUSES = ["approved", "under_way", "at_address", "in_home", "left_address", "emergency"];

const NOT_ON_VISIT = "Only the staff on this visit can check in here.";
const NOT_RECORDED = "Sorry, homevisit could not record that just now. Please send it again, or phone the school office.";

/**
 * Messages: replies in a visit's thread (leaving, ok, back, the code word…) and, for the pair, the
 * same words sent to the bot in a DM when they have one visit open. Never echoes what was typed:
 * it may be the code word.
 */
export function registerMessages(app: App, ctx: AppContext, seen: SeenEvents, botUserId: string | undefined): void {
  app.event("message", async ({ event, body, client }) => {
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId === "string" && !seen.firstTime(eventId)) return;
    const parsed = messageEventSchema.safeParse(event);
    if (!parsed.success) return;
    const message = parsed.data;
    if (!REPLY_SUBTYPES.has(message.subtype) || message.bot_id || !message.user || message.user === botUserId) return;
    if (!message.text?.trim()) return;

    const say = async (text: string) => {
      if (message.channel_type === "im") await client.chat.postMessage({ channel: message.channel, text: escapeMrkdwn(text) });
      else
        await client.chat.postEphemeral({
          channel: message.channel,
          user: message.user ?? "",
          text: escapeMrkdwn(text),
          ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}),
        });
    };

    try {
      if (message.thread_ts && message.thread_ts !== message.ts) await threadReply(ctx, message, message.thread_ts, say);
      else if (message.channel_type === "im") await directReply(ctx, message, say);
    } catch (error) {
      // A check-in that was not recorded must not look as if it was.
      ctx.log.error("slack: a message could not be handled", { error: String(error) });
      await say(NOT_RECORDED);
    }
  });
}

async function threadReply(
  ctx: AppContext,
  message: MessageEvent,
  threadTs: string,
  say: (text: string) => Promise<void>,
): Promise<void> {
  const visit = await ctx.store.findVisitByMessageRef("slack", "thread", "ts", threadTs);
  if (!visit) return;
  // A ts is unique within a channel only: the thread must be the visit's own.
  const thread = visit.messageRefs["slack:thread"] as MessageRef | undefined;
  if (thread?.channel && thread.channel !== message.channel) return;
  const text = message.text ?? "";
  const found = actorFor(ctx, message.user);
  if (!found.ok) {
    if (parseReply(text)) await say(NOT_ON_VISIT);
    return;
  }
  const result = await retryStale(() => replyInThread(ctx, found.actor, visit.id, text));
  if (!result.ok) await say(errorText(result.error));
}

async function directReply(ctx: AppContext, message: MessageEvent, say: (text: string) => Promise<void>): Promise<void> {
  const text = message.text ?? "";
  const reply = parseReply(text);
  const found = actorFor(ctx, message.user);
  if (!found.ok) {
    if (reply) await say(found.text);
    return;
  }
  const actor: Actor = found.actor;
  const visits = (await ctx.store.listVisits({ staffId: actor.staffId, statuses: DM_STATUSES, limit: 20 })).filter((visit) =>
    isOnVisit(visit, actor.staffId),
  );
  if (visits.length === 0) {
    if (reply) await say("You have no home visit open. Type /homevisit to request one, or /homevisit status.");
    return;
  }
  if (reply && visits.length > 1) {
    const ids = visits.map((visit) => visit.id).join(", ");
    await say(`You are on more than one home visit (${ids}): reply in that visit's thread, or press its I'm OK button.`);
    return;
  }
  // One visit: the reply is for it. Several: only the code word (not a reply word) can be meant.
  for (const visit of visits) {
    const result = await retryStale(() => replyInThread(ctx, actor, visit.id, text));
    if (!result.ok) return void (await say(errorText(result.error)));
    // The same words whatever was typed, so a code word looks like any other check-in.
    if (result.value.handled) return void (await say(`Noted on home visit ${visitLabel(visit)}; the reply is in its thread.`));
  }
}

/** A reply that met someone else's change at the same moment is tried again: it must not be lost. */
async function retryStale(work: () => Promise<Result<ReplyHandled>>, attempts = 3): Promise<Result<ReplyHandled>> {
  let result = await work();
  for (let i = 1; i < attempts && !result.ok && result.error.code === "stale-visit"; i++) result = await work();
  return result;
}
