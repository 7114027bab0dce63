import type { Mention, PlatformPeople } from "../../app/people-port.js";
import { baseConversationId, type InboundActivity } from "./inbound.js";
import type { TeamsContext } from "./teams-context.js";

/**
 * What Teams says about the people in an activity: the sender (their aadObjectId and name come with
 * every message), and the people they @mention, looked up in the conversation when the mention does
 * not carry their aadObjectId.
 */
export function teamsPeople(activity: InboundActivity): PlatformPeople {
  const { aadObjectId, name } = activity.from;
  return {
    profile: async (userId) =>
      aadObjectId && userId === aadObjectId ? { platform: "teams", userId: aadObjectId, name: name || aadObjectId } : null,
  };
}

/** The people @mentioned, the bot left out, in the order they were written. */
export function teamsMentions(t: TeamsContext, activity: InboundActivity): Mention[] {
  return (activity.entities ?? []).flatMap((entity): Mention[] => {
    const mentioned = entity.mentioned;
    if (entity.type !== "mention" || !mentioned || mentioned.id === activity.recipient.id) return [];
    const name = mentioned.name ?? undefined;
    return [
      {
        ...(mentioned.aadObjectId ? { userId: mentioned.aadObjectId } : {}),
        ...(name ? { name } : {}),
        profile: async () => {
          if (mentioned.aadObjectId)
            return { platform: "teams", userId: mentioned.aadObjectId, name: name ?? mentioned.aadObjectId };
          const member = await t.connector.member(
            activity.serviceUrl,
            baseConversationId(activity.conversation.id),
            mentioned.id,
          );
          if (!member.aadObjectId) return null;
          return {
            platform: "teams",
            userId: member.aadObjectId,
            name: member.name || name || member.aadObjectId,
            ...(member.email ? { email: member.email } : {}),
          };
        },
      },
    ];
  });
}
