import { type MessagePlace, receiveMessage } from "../../app/interactions/receive-message.js";
import { placeInstall } from "../../app/interactions/set-up-school.js";
import { commandHelp } from "../../app/use-cases/answer-command.js";
import { messageCard, textCard } from "./adaptive-card.js";
import { cardMessage } from "./connector.js";
import { fileFromActivity } from "./file-attachment.js";
import { formCard } from "./form-card.js";
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
import { reply, sendPrivately, type TeamsContext } from "./teams-context.js";
import { teamsMentions, teamsPeople } from "./teams-people.js";

/** Answers about someone's own visits or records: sent to their 1:1 chat when asked in a channel. */
const PERSONAL = /^(status|list|cancel|record|export|attendance|admin)\b/i;

/**
 * A message to the bot, read by the shared interaction layer: `homevisit …` commands, replies in a
 * visit's thread, the pair's words in their 1:1 chat. "@homevisit" alone answers with the menu.
 */
export async function onMessage(t: TeamsContext, activity: InboundActivity): Promise<void> {
  await t.bindings.rememberSender(activity).catch((error: unknown) => {
    t.ctx.log.warn("teams: could not remember the sender", { error: String(error) });
  });
  const text = plainText(activity);
  const mentioned = mentionsBot(activity);
  if (!text) {
    if (mentioned || isPersonal(activity)) await reply(t, activity, commandHelp("teams"));
    return;
  }
  const channel = baseConversationId(activity.conversation.id);
  const root = isChannel(activity) ? threadRootId(activity.conversation.id) : undefined;
  const place: MessagePlace = root
    ? { kind: "thread", channel, threadId: root, mentioned }
    : isPersonal(activity)
      ? { kind: "dm" }
      : { kind: "channel", channel, mentioned };
  const result = await receiveMessage(t.ctx, {
    platform: "teams",
    from: activity.from.aadObjectId,
    text,
    place,
    ...(activity.id ? { onceKey: `teams:message:${activity.conversation.id}:${activity.id}` } : {}),
    attachment: fileFromActivity(activity),
    sender: { name: activity.from.name ?? "Admin" },
    ...(activity.channelData?.team?.id ? { workspace: activity.channelData.team.id } : {}),
    mentions: teamsMentions(t, activity),
    people: teamsPeople(activity),
    channelRef: {
      channel,
      ...(activity.serviceUrl ? { serviceUrl: activity.serviceUrl } : {}),
      ...(tenantOf(activity) ? { tenantId: tenantOf(activity) ?? "" } : {}),
    },
  });
  switch (result.kind) {
    case "ignored":
    case "answered":
      return;
    case "refused":
      return reply(t, activity, result.text);
    case "done":
    case "form":
      return;
    case "answer": {
      const answer = result.answer;
      if (answer.kind === "open_form") {
        const card = formCard(answer.form, { timezone: t.ctx.policy.school.timezone, today: t.ctx.clock.now() });
        return sendPrivately(t, activity, card, answer.form.title);
      }
      const card = answer.kind === "text" ? textCard(answer.text) : messageCard(answer.message);
      const summary = (answer.kind === "text" ? answer.text.split("\n")[0] : answer.message.text) ?? "homevisit";
      // Someone's visits and records are theirs: asked in a channel, the answer goes to the 1:1 chat.
      if (isPersonal(activity) || !PERSONAL.test(text.replace(/^\/?home ?visit\s*/i, "")))
        return reply(t, activity, cardMessage(card, summary));
      return sendPrivately(t, activity, card, summary);
    }
  }
}

/**
 * The bot was added somewhere. In a team: the channels the school directory names learn their
 * service URL, and the team is told how to choose channels. In a 1:1 chat: the chat is remembered.
 */
export async function onConversationUpdate(t: TeamsContext, activity: InboundActivity): Promise<void> {
  const botAdded = !!activity.membersAdded?.some((member) => member.id === activity.recipient.id);
  if (!botAdded) return;
  const team = activity.channelData?.team?.id;
  if (isChannel(activity) || team) {
    const placed = team ? await placeInstall(t.ctx, "teams", team, baseConversationId(activity.conversation.id)) : null;
    if (placed && "ask" in placed) return reply(t, activity, placed.ask);
    const bound = await t.bindings.rememberTeamInstall(activity);
    t.ctx.log.info("teams: installed in a team", { team: activity.channelData?.team?.id, channels: bound });
    await reply(
      t,
      activity,
      [
        "Hello from homevisit: it keeps home visits safe (request, approve, check in, escalate, record).",
        "In each channel homevisit should use, type @homevisit setup approvals, visits, alerts or records.",
        "Staff type homevisit in a chat with me to request a visit; homevisit help lists everything.",
      ].join("\n"),
    );
    return;
  }
  if (isPersonal(activity)) {
    await t.bindings.rememberSender(activity);
    await reply(t, activity, "Hello, I'm homevisit. Type homevisit to request a home visit, or homevisit help.");
  }
}
