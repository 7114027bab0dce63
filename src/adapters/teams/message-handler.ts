import { errorText } from "../../app/messages/error-text.js";
import { requestForm } from "../../app/messages/request-form.js";
import { visitLabel } from "../../app/messages/visit-details.js";
import { answerCommand } from "../../app/use-cases/answer-command.js";
import { type ReplyHandled, replyInThread } from "../../app/use-cases/reply-in-thread.js";
import type { Result } from "../../domain/domain-error.js";
import { type ChannelRole, findStaff, hasAnyRole } from "../../domain/school-directory.js";
import { type Actor, isOnVisit } from "../../domain/visit.js";
import { parseReply } from "../../domain/visit-replies.js";
import { formCard, messageCard, textCard } from "./adaptive-card.js";
import { afterPrefix, type Command, HELP_TEXT, parseCommand } from "./commands.js";
import { cardMessage } from "./connector.js";
import {
  baseConversationId,
  type InboundActivity,
  isChannel,
  isPersonal,
  mentionsBot,
  plainText,
  tenantOf,
  threadRootId,
} from "./inbound.js";
import { actorOf, reply, sendPrivately, type TeamsContext } from "./teams-context.js";

/** Visits a 1:1 message may be about: from approval (leaving) until the staff are back. */
const DM_STATUSES = ["approved", "under_way", "at_address", "in_home", "left_address", "emergency"];

const NOT_ON_VISIT = "Only the staff on this visit can check in here.";

const ROLE_PURPOSE: Record<ChannelRole, string> = {
  approvals: "visit requests for approval (with the pupil's details)",
  visits: "a thread per visit, where the pair check in (initials only)",
  alerts: "escalations and emergency alerts",
  records: "completed Home Visit Forms (restricted)",
};

/**
 * A message to the bot: `homevisit …` commands (with or without an @mention or a slash), replies in
 * a visit's thread (leaving, ok, back, the code word…), or the pair's words in their 1:1 chat.
 * Never echoes what was typed: it may be the code word.
 */
export async function onMessage(t: TeamsContext, activity: InboundActivity): Promise<void> {
  await t.bindings.rememberSender(activity).catch((error: unknown) => {
    t.ctx.log.warn("teams: could not remember the sender", { error: String(error) });
  });
  const text = plainText(activity);
  if (!text) return;
  const rest = afterPrefix(text);
  if (rest !== null) return runCommand(t, activity, parseCommand(rest));

  const root = isChannel(activity) ? threadRootId(activity.conversation.id) : undefined;
  if (root) {
    const visit = await t.ctx.store.findVisitByMessageRef("teams", "thread", "id", root);
    if (visit && (await threadReply(t, activity, visit.id, text))) return;
  }
  if (isPersonal(activity)) {
    if (await directReply(t, activity, text)) return;
    return runCommand(t, activity, parseCommand(text));
  }
  if (mentionsBot(activity)) return runCommand(t, activity, parseCommand(text));
}

/** A reply in a visit's thread; true when it was a reply (or refused as one). */
async function threadReply(t: TeamsContext, activity: InboundActivity, visitId: string, text: string): Promise<boolean> {
  const found = actorOf(t, activity);
  if (!found.ok) {
    if (!parseReply(text)) return false;
    await reply(t, activity, NOT_ON_VISIT);
    return true;
  }
  const result = await retryStale(() => replyInThread(t.ctx, found.actor, visitId, text));
  if (!result.ok) {
    await reply(t, activity, errorText(result.error));
    return true;
  }
  // Handled: the answer is queued for the thread by the use case (the same words for the code word).
  return result.value.handled;
}

/** The pair can type the same words to the bot in their 1:1 chat while they have one visit open. */
async function directReply(t: TeamsContext, activity: InboundActivity, text: string): Promise<boolean> {
  const words = parseReply(text);
  const found = actorOf(t, activity);
  if (!found.ok) return false;
  const actor: Actor = found.actor;
  const visits = (await t.ctx.store.listVisits({ staffId: actor.staffId, statuses: DM_STATUSES, limit: 20 })).filter((visit) =>
    isOnVisit(visit, actor.staffId),
  );
  if (visits.length === 0) return false;
  if (words && visits.length > 1) {
    const ids = visits.map((visit) => visit.id).join(", ");
    await reply(
      t,
      activity,
      `You are on more than one home visit (${ids}): reply in that visit's thread, or press its I'm OK button.`,
    );
    return true;
  }
  // One visit: the reply is for it. Several: only the code word (not a reply word) can be meant.
  for (const visit of visits) {
    const result = await retryStale(() => replyInThread(t.ctx, actor, visit.id, text));
    if (!result.ok) {
      await reply(t, activity, errorText(result.error));
      return true;
    }
    if (result.value.handled) {
      // The same words whatever was typed, so a code word looks like any other check-in.
      await reply(t, activity, `Noted on home visit ${visitLabel(visit)}; the reply is in its thread.`);
      return true;
    }
  }
  return false;
}

async function runCommand(t: TeamsContext, activity: InboundActivity, command: Command): Promise<void> {
  if (command.kind === "help") return reply(t, activity, HELP_TEXT);
  const found = actorOf(t, activity);
  if (!found.ok) return reply(t, activity, found.text);
  const actor = found.actor;
  if (command.kind === "setup") return setUpChannel(t, activity, actor, command);
  if (command.kind === "form") {
    const form = requestForm(t.ctx.policy, t.ctx.directory, actor.staffId);
    const card = formCard(form, { timezone: t.ctx.policy.school.timezone, today: t.ctx.clock.now() });
    return sendPrivately(t, activity, card, form.title);
  }
  const answer = await answerCommand(t.ctx, actor, command.text);
  if (answer.kind === "open_request_form") return runCommand(t, activity, { kind: "form" });
  const card = answer.kind === "text" ? textCard(answer.text) : messageCard(answer.message);
  const summary = (answer.kind === "text" ? answer.text.split("\n")[0] : answer.message.text) ?? "homevisit";
  // Someone's visits and records are theirs: asked in a channel, the answer goes to the 1:1 chat.
  if (isPersonal(activity) || !command.personal) return reply(t, activity, cardMessage(card, summary));
  return sendPrivately(t, activity, card, summary);
}

/** `homevisit setup approvals` typed in a channel: this channel now gets that role's messages. */
async function setUpChannel(
  t: TeamsContext,
  activity: InboundActivity,
  actor: Actor,
  command: Extract<Command, { kind: "setup" }>,
): Promise<void> {
  if (!isChannel(activity))
    return reply(t, activity, "Type this in the Teams channel you want to use, e.g. @homevisit setup approvals.");
  if (!command.role)
    return reply(
      t,
      activity,
      `Which messages should this channel get? Type homevisit setup approvals, visits, alerts or records${command.asked ? ` ("${command.asked}" is not one of them)` : ""}.`,
    );
  const allowed = [...t.ctx.policy.approval.approverRoles, "headteacher", "dsl", "deputy_dsl"];
  if (!hasAnyRole(findStaff(t.ctx.directory, actor.staffId), allowed))
    return reply(t, activity, "Only approvers, the DSL or the headteacher can choose homevisit's channels.");
  const channel = baseConversationId(activity.conversation.id);
  await t.bindings.bindRole(command.role, {
    channel,
    serviceUrl: activity.serviceUrl,
    tenantId: tenantOf(activity) ?? t.tenantId,
    source: "setup",
  });
  await t.ctx.store.appendAudit({
    visitId: null,
    at: t.ctx.clock.now(),
    actorId: actor.staffId,
    actor: actor.name,
    platform: "teams",
    action: "channel_setup",
    detail: { role: command.role, channel },
  });
  await reply(t, activity, `Done: this channel now gets homevisit's ${command.role} messages: ${ROLE_PURPOSE[command.role]}.`);
}

/**
 * The bot was added somewhere. In a team: the channels the school directory names learn their
 * service URL, and the team is told how to choose channels. In a 1:1 chat: the chat is remembered.
 */
export async function onConversationUpdate(t: TeamsContext, activity: InboundActivity): Promise<void> {
  const botAdded = !!activity.membersAdded?.some((member) => member.id === activity.recipient.id);
  if (!botAdded) return;
  if (isChannel(activity) || activity.channelData?.team?.id) {
    const bound = await t.bindings.rememberTeamInstall(activity);
    t.ctx.log.info("teams: installed in a team", { team: activity.channelData?.team?.id, channels: bound });
    await reply(
      t,
      activity,
      [
        "Hello from *homevisit*: it keeps home visits safe (request, approve, check in, escalate, record).",
        "In each channel homevisit should use, type @homevisit setup approvals, visits, alerts or records.",
        "Staff type homevisit in a chat with me to request a visit; homevisit help lists everything.",
      ].join("\n"),
    );
    return;
  }
  if (isPersonal(activity)) {
    await t.bindings.rememberSender(activity);
    await reply(t, activity, "Hello, I'm *homevisit*. Type homevisit to request a home visit, or homevisit help.");
  }
}

async function retryStale(work: () => Promise<Result<ReplyHandled>>, attempts = 3): Promise<Result<ReplyHandled>> {
  let result = await work();
  for (let i = 1; i < attempts && !result.ok && result.error.code === "stale-visit"; i++) result = await work();
  return result;
}
