import type { App } from "@slack/bolt";
import { z } from "zod";
import { type MessageResult, receiveMessage } from "../../app/interactions/receive-message.js";
import { NOT_RECORDED } from "../../app/messages/error-text.js";
import type { AppContext } from "../../app/ports.js";
import { renderMessage } from "./block-kit.js";
import { schoolOf } from "./school-middleware.js";
import { fileFromEvent } from "./shared-file.js";
import { slashed } from "./slack-answers.js";
import { readMentions, slackPeople } from "./slack-people.js";
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
  files: z.array(z.unknown()).optional(),
});

/**
 * Subtypes that are still someone typing a reply: a reply also sent to the channel, or one with a
 * photo. Edits, deletions, joins and bot messages are not replies.
 */
const REPLY_SUBTYPES = new Set<string | undefined>([undefined, "thread_broadcast", "file_share"]);

/**
 * Messages: replies in a visit's thread (leaving, ok, back, the code word…) and words sent to the
 * bot directly, all read by the shared interaction layer. A retried event has one effect (its
 * channel and ts are claimed in the database). Never echoes what was typed: it may be the code word.
 */
export function registerMessages(app: App, home: AppContext, botUserId: string | undefined): void {
  app.event("message", async ({ event, client, context }) => {
    const ctx = schoolOf(context, home);
    // Installed with OAuth, each workspace has its own bot user: the request's authorization names it.
    const bot = context.botUserId ?? botUserId;
    const parsed = messageEventSchema.safeParse(event);
    if (!parsed.success) return;
    const message = parsed.data;
    if (!REPLY_SUBTYPES.has(message.subtype) || message.bot_id || !message.user || message.user === bot) return;
    if (!message.text?.trim()) return;
    const direct = message.channel_type === "im";
    const mentioned = !!bot && message.text.includes(`<@${bot}>`);

    const say = async (text: string, blocks?: ReturnType<typeof renderMessage>) => {
      const body = blocks ?? { text: escapeMrkdwn(slashed(text)) };
      if (direct) await client.chat.postMessage({ channel: message.channel, ...body });
      else
        await client.chat.postEphemeral({
          channel: message.channel,
          user: message.user ?? "",
          ...body,
          ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}),
        });
    };

    const people = slackPeople(client);
    const { mentions } = readMentions(message.text, people, botUserId);
    let result: MessageResult;
    try {
      result = await receiveMessage(ctx, {
        platform: "slack",
        from: message.user,
        text: message.text,
        place:
          message.thread_ts && message.thread_ts !== message.ts
            ? { kind: "thread", channel: message.channel, threadId: message.thread_ts, mentioned }
            : direct
              ? { kind: "dm" }
              : { kind: "channel", channel: message.channel, mentioned },
        onceKey: `slack:message:${message.channel}:${message.ts}`,
        channelRef: { channel: message.channel },
        attachment: fileFromEvent(client, message.files),
        mentions,
        people,
      });
    } catch (error) {
      // A check-in that was not recorded must not look as if it was.
      ctx.log.error("slack: a message could not be handled", { error: String(error) });
      return say(NOT_RECORDED);
    }
    if (result.kind === "refused") return say(result.text);
    if (result.kind === "done" && result.note) return say(result.note);
    if (result.kind === "answer") {
      const answer = result.answer;
      if (answer.kind === "text") return say(answer.text);
      if (answer.kind === "message") return say(answer.message.text, renderMessage(answer.message));
      return say("Type /homevisit to open the request form.");
    }
  });
}
