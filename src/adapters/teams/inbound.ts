import { z } from "zod";
import type { Inbound } from "../../domain/school-routing.js";

const account = z.looseObject({ id: z.string(), name: z.string().nullish(), aadObjectId: z.string().nullish() });
const optional = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => v ?? undefined);

/**
 * The parts of an inbound Bot Framework activity homevisit reads, parsed at the edge: the SDK's
 * types describe what Teams may send, this says what we rely on, and anything else is refused
 * before a handler sees it.
 */
export const inboundActivitySchema = z.looseObject({
  type: z.string(),
  id: optional(z.string()),
  name: optional(z.string()),
  text: optional(z.string()),
  serviceUrl: optional(z.string()),
  replyToId: optional(z.string()),
  from: account.transform((a) => ({ id: a.id, name: a.name ?? undefined, aadObjectId: a.aadObjectId ?? undefined })),
  recipient: account.transform((a) => ({ id: a.id, name: a.name ?? undefined })),
  conversation: z.looseObject({
    id: z.string(),
    conversationType: optional(z.string()),
    tenantId: optional(z.string()),
    isGroup: optional(z.boolean()),
  }),
  channelData: optional(
    z.looseObject({
      tenant: optional(z.looseObject({ id: optional(z.string()) })),
      team: optional(z.looseObject({ id: optional(z.string()), name: optional(z.string()) })),
      channel: optional(z.looseObject({ id: optional(z.string()), name: optional(z.string()) })),
      eventType: optional(z.string()),
    }),
  ),
  entities: optional(
    z.array(
      z.looseObject({
        type: z.string(),
        text: optional(z.string()),
        mentioned: optional(z.looseObject({ id: z.string(), name: optional(z.string()), aadObjectId: optional(z.string()) })),
      }),
    ),
  ),
  membersAdded: optional(z.array(z.looseObject({ id: z.string(), aadObjectId: optional(z.string()) }))),
  value: z.unknown().optional(),
});

export type InboundActivity = z.infer<typeof inboundActivitySchema>;

/** An activity as we read it, or null when it lacks what every handler relies on (logged, not crashed). */
export function parseInbound(activity: unknown): InboundActivity | null {
  const parsed = inboundActivitySchema.safeParse(activity);
  return parsed.success ? parsed.data : null;
}

/** An `adaptiveCard/action` invoke's action: the verb, and the card's inputs with the button's data. */
export const cardActionSchema = z.object({
  action: z.object({
    verb: z.string().default(""),
    data: z
      .record(z.string(), z.unknown())
      .nullish()
      .transform((data) => data ?? {}),
  }),
});

/** "19:abc@thread.tacv2;messageid=123" → "19:abc@thread.tacv2". */
export function baseConversationId(conversationId: string): string {
  return conversationId.split(";")[0] ?? conversationId;
}

/** The root message id of a channel thread, from "…;messageid=<root>". */
export function threadRootId(conversationId: string): string | undefined {
  return /;messageid=([^;]+)/.exec(conversationId)?.[1];
}

export function tenantOf(activity: InboundActivity): string | undefined {
  return activity.conversation.tenantId ?? activity.channelData?.tenant?.id;
}

/**
 * Where an activity came from, to find its school: the team (a school per team in a trust's
 * tenant), the channel, and the sender's Entra object id.
 */
export function teamsInbound(activity: InboundActivity): Inbound {
  const team = activity.channelData?.team?.id;
  const aad = activity.from.aadObjectId;
  return {
    platform: "teams",
    ...(team ? { workspace: team } : {}),
    ...(isChannel(activity) ? { channel: baseConversationId(activity.conversation.id) } : {}),
    ...(aad ? { user: aad } : {}),
    ...(activity.type === "message" ? { message: true } : {}),
  };
}

export function isChannel(activity: InboundActivity): boolean {
  return activity.conversation.conversationType === "channel";
}

export function isPersonal(activity: InboundActivity): boolean {
  const type = activity.conversation.conversationType;
  return type === "personal" || (!type && !activity.conversation.isGroup);
}

/** Whether the bot itself was @mentioned. */
export function mentionsBot(activity: InboundActivity): boolean {
  return !!activity.entities?.some((e) => e.type === "mention" && e.mentioned?.id === activity.recipient.id);
}

/**
 * What the person typed, as plain words: @mentions (`<at>…</at>`) and any HTML Teams added are
 * removed, entities decoded and spaces collapsed. "<at>homevisit</at> ok" → "ok".
 */
export function plainText(activity: Pick<InboundActivity, "text">): string {
  return (activity.text ?? "")
    .replace(/<at\b[^>]*>[\s\S]*?<\/at>/gi, " ")
    .replace(/<br\s*\/?>|<\/p>|<\/div>/gi, "\n")
    .replace(/<[^>]+>/g, "")
    .replace(/&nbsp;/gi, " ")
    .replace(/&lt;/gi, "<")
    .replace(/&gt;/gi, ">")
    .replace(/&quot;/gi, '"')
    .replace(/&#39;|&apos;/gi, "'")
    .replace(/&amp;/gi, "&")
    .replace(/[ \t\u00a0]+/g, " ")
    .replace(/\s*\n\s*/g, "\n")
    .trim();
}
