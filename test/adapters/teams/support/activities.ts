/**
 * Bot Framework activities as Teams sends them to POST /api/messages (shapes taken from real
 * Teams traffic and the Teams SDK's own fixtures): messages with mention entities, invokes named
 * adaptiveCard/action, and the conversationUpdate of an install.
 */
export const TENANT = "72f988bf-0000-4000-8000-00000000c0de";
export const BOT = { id: "28:2b7f9c1e-0000-4000-8000-0000000b0707", name: "homevisit" } as const;
export const TEAM = { id: "19:general-team@thread.tacv2", name: "Oak Primary staff" } as const;
/** The demo school's channel conversation ids (schools/demo.yaml). */
export const CHANNELS = {
  approvals: "19:approvals@thread.tacv2",
  visits: "19:visits@thread.tacv2",
  alerts: "19:alerts@thread.tacv2",
  records: "19:records@thread.tacv2",
} as const;

export interface Person {
  staffId: string;
  /** Entra object id, as in schools/demo.yaml. */
  aad: string;
  /** The Teams user id (29:…). */
  id: string;
  name: string;
}

const person = (staffId: string, aadSuffix: string, name: string): Person => ({
  staffId,
  aad: `00000000-0000-0000-0000-0000000000${aadSuffix}`,
  id: `29:1${staffId.replace(".", "-")}`,
  name,
});

/** The demo school's people as Teams knows them. */
export const PEOPLE = {
  requester: person("e.walsh", "e5", "Erin Walsh"), // staff
  second: person("f.nowak", "f6", "Filip Nowak"), // staff
  dsl: person("a.okafor", "a1", "Ada Okafor"), // DSL: approves
  deputy: person("b.hughes", "b2", "Ben Hughes"), // deputy DSL: approves
  head: person("c.morgan", "c3", "Carys Morgan"), // headteacher: approves
  office: person("d.shah", "d4", "Dev Shah"), // office: does not approve
  stranger: { staffId: "", aad: "99999999-9999-4999-8999-999999999999", id: "29:1stranger", name: "Sam Visitor" },
} as const satisfies Record<string, Person>;
export type PersonKey = keyof typeof PEOPLE;

export interface Conversation {
  id: string;
  type: "personal" | "channel" | "groupChat";
}

export const personalChat = (who: Person): Conversation => ({ id: `a:1personal-${who.staffId || "stranger"}`, type: "personal" });
export const channel = (id: string): Conversation => ({ id, type: "channel" });
/** A reply in a channel thread: Teams puts the root message id in the conversation id. */
export const thread = (channelId: string, rootId: string): Conversation => ({
  id: `${channelId};messageid=${rootId}`,
  type: "channel",
});

let counter = 1_780_000_000_000;
const nextId = () => String(++counter);

function base(serviceUrl: string, from: Person, conversation: Conversation) {
  const channelId = conversation.id.split(";")[0] ?? conversation.id;
  return {
    id: nextId(),
    timestamp: new Date().toISOString(),
    serviceUrl,
    channelId: "msteams",
    from: { id: from.id, name: from.name, aadObjectId: from.aad },
    recipient: { id: BOT.id, name: BOT.name },
    conversation: {
      id: conversation.id,
      conversationType: conversation.type,
      tenantId: TENANT,
      ...(conversation.type === "personal" ? {} : { isGroup: true }),
    },
    channelData: {
      tenant: { id: TENANT },
      ...(conversation.type === "channel"
        ? { teamsChannelId: channelId, teamsTeamId: TEAM.id, channel: { id: channelId }, team: { id: TEAM.id } }
        : {}),
    },
    locale: "en-GB",
  };
}

/** A message; with `mention`, "<at>homevisit</at> " comes first and a mention entity names the bot. */
export function messageActivity(
  serviceUrl: string,
  from: Person,
  conversation: Conversation,
  text: string,
  options: { mention?: boolean } = {},
) {
  const at = `<at>${BOT.name}</at>`;
  return {
    ...base(serviceUrl, from, conversation),
    type: "message",
    textFormat: "plain",
    text: options.mention ? `${at} ${text}` : text,
    entities: [
      ...(options.mention ? [{ type: "mention", text: at, mentioned: { id: BOT.id, name: BOT.name } }] : []),
      { type: "clientInfo", locale: "en-GB", country: "GB", platform: "Web", timezone: "Europe/London" },
    ],
  };
}

/** A press of an Action.Execute button: the card's message is `replyToId`. */
export function cardActionActivity(
  serviceUrl: string,
  from: Person,
  conversation: Conversation,
  replyToId: string | undefined,
  verb: string,
  data: Record<string, unknown>,
) {
  return {
    ...base(serviceUrl, from, conversation),
    type: "invoke",
    name: "adaptiveCard/action",
    ...(replyToId ? { replyToId } : {}),
    value: { action: { type: "Action.Execute", verb, data }, trigger: "manual" },
  };
}

/** The bot added to a team: Teams sends this in the team's General channel. */
export function teamInstallActivity(serviceUrl: string, installer: Person) {
  return {
    ...base(serviceUrl, installer, channel(TEAM.id)),
    type: "conversationUpdate",
    membersAdded: [{ id: BOT.id }],
    channelData: { eventType: "teamMemberAdded", team: { id: TEAM.id, name: TEAM.name }, tenant: { id: TENANT } },
  };
}

/** The bot added to someone's personal scope (their 1:1 chat with it). */
export function personalInstallActivity(serviceUrl: string, who: Person) {
  return {
    ...base(serviceUrl, who, personalChat(who)),
    type: "conversationUpdate",
    membersAdded: [{ id: BOT.id }],
  };
}
