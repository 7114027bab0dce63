import type { NeutralMessage } from "../../app/messages/neutral-message.js";
import { type ChatDelivery, DeliveryError, type MessageRef, type ResolvedTarget } from "../../app/ports.js";
import type { Directory } from "../../domain/school-directory.js";
import { type Mention, messageCard } from "./adaptive-card.js";
import type { TeamsBindings } from "./bindings.js";
import { cardMessage, type TeamsConnector } from "./connector.js";
import { baseConversationId } from "./inbound.js";

export interface TeamsDeliveryDeps {
  connector: TeamsConnector;
  bindings: TeamsBindings;
  /** Read at each use: the school's people change while the app runs. */
  school: { readonly directory: Directory };
  /** TENANT_ID, for opening a 1:1 chat with someone the bot has not heard from yet. */
  tenantId?: string;
}

/**
 * How the outbox reaches Teams. A channel target is a new post in that channel, or, with a
 * threadRef, a reply in the visit's thread (`<channel>;messageid=<root>`). A direct message goes to
 * the person's 1:1 chat with the bot, opened once and remembered. update() edits a card in place.
 * Every ref is { channel: conversation id, id: activity id, serviceUrl }.
 */
export function createTeamsDelivery(deps: TeamsDeliveryDeps): ChatDelivery {
  const { connector, bindings } = deps;

  const postToChannel = async (target: Extract<ResolvedTarget, { kind: "channel" }>, message: NeutralMessage) => {
    const root = target.threadRef;
    const channel = baseConversationId(root?.channel || target.channel);
    if (!channel) throw new DeliveryError("no Teams channel to post to", undefined, false);
    const serviceUrl = root?.serviceUrl || (await bindings.serviceUrlForChannel(channel));
    const conversationId = root?.id ? `${channel};messageid=${root.id}` : channel;
    const activity = cardMessage(messageCard(message, mentionsOf(deps.school.directory, target.mentions)), message.text);
    const id = await connector.send(serviceUrl, conversationId, activity);
    return { channel: conversationId, id, serviceUrl: connector.serviceUrlOr(serviceUrl) };
  };

  const postToPerson = async (aadObjectId: string, message: NeutralMessage, given?: string): Promise<MessageRef> => {
    const known = (await bindings.user(aadObjectId)) ?? {};
    const activity = cardMessage(messageCard(message), message.text);
    const cached = given || known.conversation;
    if (cached) {
      try {
        const id = await connector.send(known.serviceUrl, cached, activity);
        return { channel: cached, id, serviceUrl: connector.serviceUrlOr(known.serviceUrl) };
      } catch (error) {
        // The chat is gone (app removed, user left): forget it so the next attempt opens a new one.
        if (error instanceof DeliveryError && !error.retryable && !given) {
          await bindings.saveUser(aadObjectId, { ...known, conversation: undefined });
          throw new DeliveryError(`${error.message}; will open a new 1:1 chat`, undefined, true);
        }
        throw error;
      }
    }
    const fallback = await bindings.anyTenant();
    const serviceUrl = known.serviceUrl ?? fallback.serviceUrl;
    const tenantId = known.tenantId ?? deps.tenantId ?? fallback.tenantId;
    const conversation = await connector.openPersonalChat(serviceUrl, {
      userId: known.userId ?? aadObjectId,
      aadObjectId,
      tenantId,
      botId: known.botId,
    });
    await bindings.saveUser(aadObjectId, { ...known, conversation, serviceUrl: connector.serviceUrlOr(serviceUrl), tenantId });
    const id = await connector.send(serviceUrl, conversation, activity);
    return { channel: conversation, id, serviceUrl: connector.serviceUrlOr(serviceUrl) };
  };

  return {
    platform: "teams",
    post: (target, message) =>
      target.kind === "channel" ? postToChannel(target, message) : postToPerson(target.user, message, target.conversation),
    update: async (ref, message) => {
      if (!ref.channel || !ref.id) throw new DeliveryError("this Teams message ref has no conversation or id", undefined, false);
      const activity = cardMessage(messageCard(message), message.text);
      const id = await connector.update(ref.serviceUrl, ref.channel, ref.id, activity);
      return { ...ref, id };
    },
  };
}

/** Teams ids (aadObjectIds) to @mentions with the names the directory gives them. */
function mentionsOf(directory: Directory, teamsIds: readonly string[]): Mention[] {
  return teamsIds.flatMap((id) => {
    const person = directory.staff.find((p) => p.teams === id);
    return person ? [{ id, name: person.name }] : [];
  });
}
