/**
 * The parts of an inbound Bot Framework activity homevisit reads. The SDK's own types cover every
 * activity Teams can send; this narrow view keeps the handlers readable and is what tests post.
 */
export interface InboundActivity {
  type: string;
  id?: string;
  name?: string;
  text?: string;
  serviceUrl?: string;
  replyToId?: string;
  from: { id: string; name?: string; aadObjectId?: string };
  recipient: { id: string; name?: string };
  conversation: { id: string; conversationType?: string; tenantId?: string; isGroup?: boolean };
  channelData?: {
    tenant?: { id?: string };
    team?: { id?: string; name?: string };
    channel?: { id?: string; name?: string };
    teamsChannelId?: string;
    eventType?: string;
  };
  entities?: { type: string; text?: string; mentioned?: { id: string; name?: string } }[];
  membersAdded?: { id: string; aadObjectId?: string }[];
  value?: unknown;
}

export function asInbound(activity: unknown): InboundActivity {
  return activity as InboundActivity;
}

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
