import type { AppContext } from "../../app/ports.js";
import { type AdaptiveCard, textCard } from "./adaptive-card.js";
import type { TeamsBindings } from "./bindings.js";
import { cardMessage, type OutgoingActivity, type TeamsConnector } from "./connector.js";
import { type InboundActivity, isPersonal, tenantOf } from "./inbound.js";

/** What every Teams handler works with. */
export interface TeamsContext {
  ctx: AppContext;
  connector: TeamsConnector;
  bindings: TeamsBindings;
  /** TENANT_ID, when set. */
  tenantId?: string;
  /** Runs work for one key at a time in this process (a double-clicked submit runs once, then sees the first). */
  serialise<T>(key: string, work: () => Promise<T>): Promise<T>;
}

/** Answers in the conversation (and thread) the activity came from, at its serviceUrl. */
export async function reply(t: TeamsContext, activity: InboundActivity, message: OutgoingActivity | string): Promise<void> {
  const body = typeof message === "string" ? cardMessage(textCard(message), message) : message;
  await t.connector.send(activity.serviceUrl, activity.conversation.id, body);
}

/**
 * Sends something only its reader should see (a form, someone's visits, a record) to their 1:1
 * chat with the bot, opening it if needed; in a channel, says where it went.
 */
export async function sendPrivately(t: TeamsContext, activity: InboundActivity, card: AdaptiveCard, summary: string) {
  const message = cardMessage(card, summary);
  if (isPersonal(activity)) return reply(t, activity, message);
  const aad = activity.from.aadObjectId ?? "";
  try {
    const known = (await t.bindings.user(aad)) ?? {};
    let conversation = known.conversation;
    const serviceUrl = activity.serviceUrl ?? known.serviceUrl;
    if (!conversation) {
      const tenantId = tenantOf(activity) ?? t.tenantId;
      conversation = await t.connector.openPersonalChat(serviceUrl, {
        userId: activity.from.id,
        aadObjectId: aad,
        tenantId,
        botId: activity.recipient.id,
      });
      await t.bindings.saveUser(aad, { ...known, userId: activity.from.id, conversation, serviceUrl, tenantId });
    }
    await t.connector.send(serviceUrl, conversation, message);
  } catch (error) {
    t.ctx.log.warn("teams: could not reach a 1:1 chat", { error: String(error) });
    await reply(
      t,
      activity,
      "I could not open a 1:1 chat with you. Open homevisit from Apps in Teams, type homevisit there, and try again.",
    );
    return;
  }
  await reply(t, activity, `${activity.from.name ?? "I"}: I've sent that to our 1:1 chat.`);
}
