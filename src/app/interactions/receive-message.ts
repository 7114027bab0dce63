import { DomainError } from "../../domain/domain-error.js";
import { parseReply } from "../../domain/replies/reply-words.js";
import { wordsOf } from "../../domain/replies/typed-words.js";
import type { Platform } from "../../domain/school-directory.js";
import { type Actor, isOnVisit } from "../../domain/visit.js";
import type { RegisterFile } from "../attendance/import-register.js";
import type { Mention, PlatformPeople } from "../people-port.js";
import type { AppContext, MessageRef } from "../ports.js";
import { answerCommand, COMMAND_VERBS } from "../use-cases/answer-command.js";
import { replyToVisit } from "../use-cases/reply-to-visit.js";
import { identify } from "./identify.js";
import { alarmCandidates, isVisitsChannel, type OpenVisits, openVisitsOf, visitsWithCodeWord } from "./open-visits.js";
import { recognise } from "./recognise.js";
import { type InteractionResult, refused } from "./results.js";
import { SCHOOL_SETUP, setUpSchool } from "./set-up-school.js";

/** Where a message was written. */
export type MessagePlace =
  /** A reply under a message in a channel (a visit's thread, or any other); `mentioned` when it @mentions the bot. */
  | { kind: "thread"; channel: string; threadId: string; mentioned?: boolean }
  /** A direct message to the bot. */
  | { kind: "dm" }
  /** A message at the top of a channel; `mentioned` when it @mentions the bot. */
  | { kind: "channel"; channel: string; mentioned: boolean };

export interface IncomingMessage {
  platform: Platform;
  /** The sender's platform id (Slack user id, Teams aadObjectId, console staff id). */
  from: string | undefined;
  text: string;
  place: MessagePlace;
  /** The platform's id for this message, so a redelivery (Slack retries) has one effect. */
  onceKey?: string;
  /** The channel as the platform names it, for `homevisit setup <role>` typed there. */
  channelRef?: MessageRef;
  /** A file that came with the message (the register for `homevisit attendance`), fetched on demand. */
  attachment?: () => Promise<RegisterFile | null>;
  /** The sender's name and their Slack workspace or Teams team, for `homevisit setup school`. */
  sender?: { name: string; email?: string };
  workspace?: string;
  /** People the message @mentions besides the bot, for `homevisit admin grant @Ben deputy_dsl`. */
  mentions?: readonly Mention[];
  /** What the platform can say about its people: someone new joins from their profile. */
  people?: PlatformPeople;
}

/** The answer is queued in the thread or DM (outbox), said to this person now, or there is none. */
export type MessageResult = { kind: "ignored" } | { kind: "answered" } | InteractionResult;

const NOT_ON_VISIT = "Only the staff on this visit can check in here.";
const PREFIX = /^\/?home ?visit\b[:,]?\s*/i;

/**
 * Every message a platform passes on, in one place: commands, replies in a visit's thread, and the
 * pair's words sent straight to the bot. Never echoes what was typed: it may be the code word.
 */
export async function receiveMessage(ctx: AppContext, message: IncomingMessage): Promise<MessageResult> {
  const text = message.text.trim();
  if (!text) return { kind: "ignored" };
  // Slack writes an @mention as <@U…>: it is not one of the words of a command.
  const words = text.replace(/<@[^>]+>/g, " ").trim();
  const prefixed = PREFIX.exec(words);
  // Only words addressed to the bot make someone new join; a reply in some thread does not.
  const addressed = message.place.kind === "dm" || !!prefixed || !!message.place.mentioned;
  const actor = addressed
    ? await recognise(ctx, message.platform, message.from, message.people)
    : identify(ctx, message.platform, message.from);
  const unmentionedChannel = message.place.kind === "channel" && !message.place.mentioned;
  if (prefixed && !unmentionedChannel) return command(ctx, actor, words.slice(prefixed[0].length), message);
  switch (message.place.kind) {
    case "thread":
      return inThread(ctx, actor, text, message, message.place);
    case "dm":
      return direct(ctx, actor, text, message);
    case "channel":
      return message.place.mentioned ? command(ctx, actor, words, message) : { kind: "ignored" };
  }
}

async function command(
  ctx: AppContext,
  actor: Actor | DomainError,
  text: string,
  message: IncomingMessage,
): Promise<MessageResult> {
  const school = SCHOOL_SETUP.exec(text);
  if (school && message.platform !== "console") {
    const founder = { platform: message.platform, userId: message.from ?? "", name: message.sender?.name ?? "Admin" };
    return {
      kind: "answer",
      answer: {
        kind: "text",
        text: await setUpSchool(
          ctx,
          founder,
          { workspace: message.workspace, channel: message.place.kind === "dm" ? undefined : message.channelRef?.channel },
          school[1] ?? "",
        ),
      },
    };
  }
  if (actor instanceof DomainError) return refused(actor);
  const channel = message.place.kind === "dm" ? undefined : message.channelRef;
  const file = {
    ...(message.attachment ? { attachment: message.attachment } : {}),
    ...(message.onceKey ? { onceKey: message.onceKey } : {}),
    ...(message.mentions ? { mentions: message.mentions } : {}),
    ...(message.people ? { people: message.people } : {}),
  };
  return { kind: "answer", answer: await answerCommand(ctx, actor, text, { ...(channel ? { channel } : {}), ...file }) };
}

/**
 * A reply in a thread. A thread homevisit does not know, in the visits channel, from one of a pair
 * with one visit running, is that visit's: the thread's opener may still be on its way (Slack slow
 * to answer the post), or a retried post after a crash made a second thread. The code word or a
 * call for help typed in the wrong thread still counts on the sender's own visits.
 */
async function inThread(
  ctx: AppContext,
  actor: Actor | DomainError,
  text: string,
  message: IncomingMessage,
  place: Extract<MessagePlace, { kind: "thread" }>,
): Promise<MessageResult> {
  let visit = await ctx.store.findVisitByThread(message.platform, place.channel, place.threadId);
  if (!(actor instanceof DomainError) && !(visit && isOnVisit(visit, actor.staffId))) {
    const visitsChannel = await isVisitsChannel(ctx, message.platform, place.channel);
    const open = visit || visitsChannel ? await openVisitsOf(ctx, actor) : null;
    const alarm = open && (await raiseAlarms(ctx, actor, text, open, message, "thread"));
    if (alarm) return alarm;
    if (open && !visit && open.running.length === 1 && open.running[0]) {
      visit = open.running[0];
      await ctx.store.linkThread(message.platform, place.channel, place.threadId, visit.id);
    } else if (open && !visit && open.running.length > 1 && parseReply(text))
      return { kind: "refused", code: "ambiguous", text: several(open.running.map((v) => v.id)) };
  }
  // Words to the bot (an @mention) in a thread that is not a visit's, or that no visit reads: a command.
  const unread = (): Promise<MessageResult> | MessageResult =>
    place.mentioned ? command(ctx, actor, text, message) : { kind: "ignored" };
  if (!visit) return unread();
  if (actor instanceof DomainError)
    return parseReply(text) ? { kind: "refused", code: "not-on-visit", text: NOT_ON_VISIT } : unread();
  const result = await replyToVisit(ctx, actor, visit.id, text, {
    origin: "thread",
    ...(message.onceKey ? { onceKey: message.onceKey } : {}),
  });
  if (!result.ok) return refused(result.error);
  return result.value.handled ? { kind: "answered" } : unread();
}

/**
 * The code word, or a call for help, counts on every visit the sender may still be out on, wherever
 * they typed it. Null when the message is neither.
 */
async function raiseAlarms(
  ctx: AppContext,
  actor: Actor,
  text: string,
  open: OpenVisits,
  message: IncomingMessage,
  origin: "thread" | "dm",
): Promise<MessageResult | null> {
  const everyOpen = alarmCandidates(open);
  const withCodeWord = await visitsWithCodeWord(everyOpen, actor, text);
  const targets = withCodeWord.length > 0 ? withCodeWord : parseReply(text)?.type === "alarm" ? everyOpen : [];
  if (targets.length === 0) return null;
  for (const visit of targets)
    await replyToVisit(ctx, actor, visit.id, text, {
      origin,
      ...(message.onceKey ? { onceKey: `${message.onceKey}:${visit.id}` } : {}),
    });
  return { kind: "answered" };
}

/**
 * The pair can type the same words to the bot while they have a visit running, and are answered
 * there. A command word is a command; with no visit running, everything is read as a command.
 */
async function direct(
  ctx: AppContext,
  actor: Actor | DomainError,
  text: string,
  message: IncomingMessage,
): Promise<MessageResult> {
  if (actor instanceof DomainError) return refused(actor);
  if (COMMAND_VERBS.has(wordsOf(text)[0] ?? "")) return command(ctx, actor, text, message);
  const open = await openVisitsOf(ctx, actor);
  const reply = (visitId: string) =>
    replyToVisit(ctx, actor, visitId, text, {
      origin: "dm",
      ...(message.onceKey ? { onceKey: `${message.onceKey}:${visitId}` } : {}),
    });
  const alarm = await raiseAlarms(ctx, actor, text, open, message, "dm");
  if (alarm) return alarm;
  const words = parseReply(text);
  const only =
    open.running.length === 1
      ? open.running[0]
      : open.running.length === 0 && open.recent.length === 1
        ? open.recent[0]
        : undefined;
  if (only) {
    const result = await reply(only.id);
    if (!result.ok) return refused(result.error);
    return result.value.handled ? { kind: "answered" } : command(ctx, actor, text, message);
  }
  if (open.running.length === 0) return command(ctx, actor, text, message);
  if (words) return { kind: "refused", code: "ambiguous", text: several(open.running.map((v) => v.id)) };
  // Words homevisit cannot read, from someone out on several visits: a person reads them.
  return open.running[0] && (await reply(open.running[0].id)).ok ? { kind: "answered" } : command(ctx, actor, text, message);
}

function several(ids: readonly string[]): string {
  return `You are on more than one home visit (${ids.join(", ")}): reply in that visit's thread, or press its I'm OK button.`;
}
