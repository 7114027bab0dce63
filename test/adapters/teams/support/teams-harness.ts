import { cardText, eachCardElement } from "../../../../src/adapters/teams/card-text.js";
import { createTeamsAdapter } from "../../../../src/adapters/teams/teams-adapter.js";
import { instantToSchoolTime } from "../../../../src/domain/school-wall-clock.js";
import { startTestApp, type TestApp } from "../../../support/test-app.js";
import type { TestDatabase } from "../../../support/test-database.js";
import type { ChatDriver, FormOutcome, Place, Press, RequestValues, ShownMessage, StaffKey } from "../../shared/chat-driver.js";
import { validRequestValues } from "../../shared/visit-request.js";
import {
  CHANNELS,
  type Conversation,
  cardActionActivity,
  messageActivity,
  PEOPLE,
  type Person,
  personalChat,
  teamInstallActivity,
  thread,
} from "./activities.js";
import { type ConnectorCall, type ConnectorStub, startConnectorStub } from "./connector-stub.js";

export { CODE_WORD, PUPIL, validRequestValues } from "../../shared/visit-request.js";

const TIMEZONE = "Europe/London";

/** Form values → the inputs a Teams card sends back: a datetime is a date input and a time input. */
export function toCardInputs(values: RequestValues): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    if ((key === "planned_start" || key === "expected_return") && typeof value === "string" && value.includes("T")) {
      const local = instantToSchoolTime(new Date(value), TIMEZONE);
      inputs[`${key}_date`] = local.date;
      inputs[`${key}_time`] = local.time;
    } else inputs[key] = String(value);
  }
  return inputs;
}

export interface Posted {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: invoke responses are checked field by field in tests
  body: any;
}

export interface TeamsHarness extends ChatDriver {
  app: TestApp;
  stub: ConnectorStub;
  /** POSTs an activity to /api/messages as Teams would. */
  post(activity: unknown, headers?: Record<string, string>): Promise<Posted>;
  say(who: Person, conversation: Conversation, text: string, options?: { mention?: boolean }): Promise<Posted>;
  /** Presses an Action.Execute button on the message `replyToId` in `conversation`. */
  invoke(
    who: Person,
    conversation: Conversation,
    replyToId: string | undefined,
    verb: string,
    data: Record<string, unknown>,
  ): Promise<Posted>;
  /** Types `text` (default "homevisit") in the person's 1:1 chat: the form card the bot sent back. */
  openForm(who?: Person, text?: string): Promise<{ call: ConnectorCall; messageId: string; conversation: Conversation }>;
  /** The post of a visit's approval card in the approvals channel. */
  approvalPost(visitId: string): ConnectorCall;
  /** The root message id of the visit's thread in the visits channel. */
  threadRoot(visitId: string): Promise<string>;
  close(): Promise<void>;
}

export async function startTeamsHarness(
  options: { db?: TestDatabase; env?: Record<string, string>; install?: boolean } = {},
): Promise<TeamsHarness> {
  const stub = await startConnectorStub();
  const app = await startTestApp(
    { TEAMS_ALLOW_UNAUTHENTICATED: "true", TEAMS_SERVICE_URL: stub.url, ...options.env },
    { adapters: [createTeamsAdapter], db: options.db },
  );
  const url = stub.url;

  const post = async (activity: unknown, headers: Record<string, string> = {}): Promise<Posted> => {
    const res = await fetch(`${app.url}/api/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(activity),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const settle = () => app.flush();
  const visit = async (id: string) => {
    const found = await app.ctx.store.getVisit(id);
    if (!found) throw new Error(`no visit ${id}`);
    return found;
  };
  const say = (who: Person, conversation: Conversation, text: string, opts: { mention?: boolean } = {}) =>
    post(messageActivity(url, who, conversation, text, opts));
  /** What each button press was answered with, and where: a card replaced there, or a refusal. */
  const answers: { conversation: string; body: unknown }[] = [];
  const invoke = async (
    who: Person,
    conversation: Conversation,
    replyToId: string | undefined,
    verb: string,
    data: Record<string, unknown>,
  ) => {
    const res = await post(cardActionActivity(url, who, conversation, replyToId, verb, data));
    answers.push({ conversation: conversation.id, body: res.body });
    return res;
  };

  const openForm = async (who: Person = PEOPLE.requester, text = "homevisit") => {
    const conversation = personalChat(who);
    const before = stub.calls.length;
    const res = await say(who, conversation, text);
    if (res.status !== 200) throw new Error(`homevisit answered ${res.status}`);
    const call = stub.calls.slice(before).find((c) => c.conversation === conversation.id && c.card);
    if (!call) throw new Error("the bot sent no form");
    return { call, messageId: String(call.response.id), conversation };
  };

  const submitRequest = async (values: RequestValues, as: StaffKey = "requester") => {
    const who = PEOPLE[as];
    const form = await openForm(who);
    const before = new Set((await app.ctx.store.listVisits({})).map((v) => v.id));
    const res = await invoke(who, form.conversation, form.messageId, "visit_submit", toCardInputs(values));
    if (res.status !== 200) throw new Error(`submit answered HTTP ${res.status}`);
    const created = (await app.ctx.store.listVisits({})).find((v) => !before.has(v.id));
    await settle();
    return { visit: created, errors: errorsOnCard(res.body?.value) };
  };

  const approvalPost = (visitId: string) => {
    const call = stub.to(CHANNELS.approvals, { exact: true }).find((c) => c.method === "POST" && c.text.includes(visitId));
    if (!call) throw new Error(`no approval card for ${visitId}`);
    return call;
  };

  const threadRoot = async (visitId: string) => {
    const ref = await app.ctx.store.getMessageRef(visitId, "teams", "thread");
    if (!ref?.id || ref.channel !== CHANNELS.visits) throw new Error(`no thread opened for ${visitId}`);
    return ref.id;
  };

  /**
   * Where a button for this visit was last delivered to this person: the approval card, a thread
   * prompt, their own 1:1 chat…
   */
  const whereIsButton = (actionId: string, visitId: string, who: Person): { conversation: Conversation; id: string } => {
    const own = stub.calls.filter((c) => c.createsConversation && JSON.stringify(c.body).includes(who.aad));
    const theirs = new Set([personalChat(who).id, ...own.map((c) => String(c.response.id))]);
    const call = stub
      .messages()
      .filter((c) => c.method === "POST" && JSON.stringify(c.card ?? {}).includes(`"verb":"${actionId}"`))
      .filter((c) => JSON.stringify(c.card ?? {}).includes(visitId))
      .filter((c) => c.conversation.startsWith("19:") || theirs.has(c.conversation))
      .at(-1);
    if (!call) return { conversation: personalChat(who), id: "" };
    const [base, root] = call.conversation.split(";messageid=");
    const isChannel = call.conversation.startsWith("19:");
    const id = String(call.response.id);
    return {
      conversation: isChannel ? thread(base ?? call.conversation, root ?? id) : { id: call.conversation, type: "personal" },
      id,
    };
  };

  const press = async (as: StaffKey, actionId: string, visitId: string, inputs: Record<string, string> = {}): Promise<Press> => {
    const who = PEOPLE[as];
    const where = whereIsButton(actionId, visitId, who);
    const res = await invoke(who, where.conversation, where.id || undefined, actionId, { visitId, ...inputs });
    await settle();
    return readPress(res);
  };

  const reply = async (as: StaffKey, visitId: string, text: string) => {
    const root = await threadRoot(visitId);
    const conversation = thread(CHANNELS.visits, root);
    const before = stub.calls.length;
    const res = await say(PEOPLE[as], conversation, text);
    if (res.status !== 200) throw new Error(`reply answered HTTP ${res.status}`);
    const told = stub.calls.slice(before).map((c) => c.text);
    await settle();
    return told;
  };

  /** The conversations that make up a place: a channel and its threads, one thread, or someone's 1:1 chats. */
  const conversationsOf = async (place: Place, visitId?: string): Promise<(conversation: string) => boolean> => {
    if (place === "thread") {
      if (!visitId) throw new Error("which visit's thread?");
      const root = `${CHANNELS.visits};messageid=${await threadRoot(visitId)}`;
      return (conversation) => conversation === root;
    }
    if (typeof place === "object") {
      const who = PEOPLE[place.dm];
      const binding = await app.ctx.store.getChannelBinding("teams", `user:${who.aad}`);
      const chats = new Set([personalChat(who).id, ...(binding?.conversation ? [binding.conversation] : [])]);
      return (conversation) => chats.has(conversation);
    }
    const channelId = CHANNELS[place];
    return (conversation) => conversation.split(";")[0] === channelId;
  };
  const callsTo = async (place: Place, visitId?: string) => {
    const inPlace = await conversationsOf(place, visitId);
    return stub.messages().filter((c) => inPlace(c.conversation));
  };

  const delivered = async (place: Place, visitId?: string) => (await callsTo(place, visitId)).map((c) => c.text);

  const shown = async (place: Place, visitId?: string): Promise<ShownMessage[]> => {
    const messages = new Map<string, ShownMessage>();
    for (const call of await callsTo(place, visitId)) {
      const edit = call.method === "PUT";
      const id = String(edit ? call.activityId : call.response.id);
      const key = `${call.conversation}#${id}`;
      const earlier = messages.get(key);
      messages.set(key, { id, text: call.text, edits: edit ? (earlier?.edits ?? 0) + 1 : 0 });
    }
    return [...messages.values()];
  };

  const sentTo = async (place: Place, visitId?: string) => {
    const inPlace = await conversationsOf(place, visitId);
    return [
      ...stub.calls.filter((c) => inPlace(c.conversation)).map((c) => JSON.stringify(c.body)),
      ...answers.filter((a) => inPlace(a.conversation)).map((a) => JSON.stringify(a.body)),
    ];
  };

  const submitRecord = async (as: StaffKey, visitId: string, values: RequestValues): Promise<FormOutcome> => {
    const who = PEOPLE[as];
    const where = whereIsButton("record_open", visitId, who);
    const opened = await invoke(who, where.conversation, where.id || undefined, "record_open", { visitId });
    const form = readPress(opened);
    if (!form.accepted) return { saved: false, errors: {}, text: form.text };
    // The form replaces the card the button was on; its Submit sends the inputs with the form's own data.
    const submit = findAction(opened.body?.value, "visit_outcome_submit");
    if (!submit) throw new Error(`record_open answered without a form: ${form.text}`);
    const res = await invoke(who, where.conversation, where.id || undefined, "visit_outcome_submit", {
      ...submit.data,
      ...toCardInputs(values),
    });
    await settle();
    const answer = readPress(res);
    const errors = errorsOnCard(res.body?.value);
    return { saved: answer.accepted && Object.keys(errors).length === 0, errors, text: answer.text };
  };

  /** The 1:1 chats with a person the bot has opened or been told about. */
  const chatsOf = (who: Person): Set<string> => {
    const opened = stub.calls.filter((c) => c.createsConversation && JSON.stringify(c.body).includes(who.aad));
    return new Set([personalChat(who).id, ...opened.map((c) => String(c.response.id))]);
  };

  const harness: TeamsHarness = {
    platform: "teams",
    app,
    stub,
    post,
    say,
    invoke,
    openForm,
    approvalPost,
    threadRoot,
    settle,
    visit,
    submitRequest,
    async requestVisit(values = validRequestValues(), as = "requester") {
      const { visit: created, errors } = await submitRequest(values, as);
      if (!created) throw new Error(`request refused: ${JSON.stringify(errors)}`);
      return created;
    },
    press,
    reply,
    submitRecord,
    async command(as, text) {
      const who = PEOPLE[as];
      const chat = personalChat(who);
      const before = stub.calls.length;
      const res = await say(who, chat, `homevisit ${text}`);
      if (res.status !== 200) throw new Error(`homevisit ${text} answered HTTP ${res.status}`);
      const answered = stub.calls
        .slice(before)
        .filter((c) => c.conversation === chat.id)
        .map((c) => c.text)
        .join("\n");
      await settle();
      return answered;
    },
    async directMessage(as, text) {
      const who = PEOPLE[as];
      const before = stub.calls.length;
      const res = await say(who, personalChat(who), text);
      if (res.status !== 200) throw new Error(`direct message answered HTTP ${res.status}`);
      await settle();
      const mine = await conversationsOf({ dm: as });
      return stub.calls
        .slice(before)
        .filter((c) => !c.createsConversation && mine(c.conversation))
        .map((c) => c.text);
    },
    async approveAndReplyBeforeThreadKnown(approver, visitId, as, text) {
      const isOpener = (c: { method: string; conversation: string }) => c.method === "POST" && c.conversation === CHANNELS.visits;
      stub.slowDown(isOpener, 1_500);
      const approving = press(approver, "visit_approve", visitId);
      const find = () => stub.calls.find((c) => isOpener(c) && c.text.includes(visitId));
      for (const until = Date.now() + 10_000; !find() && Date.now() < until; ) await new Promise((r) => setTimeout(r, 10));
      const opener = find();
      if (!opener) throw new Error(`the thread opener for ${visitId} was never posted`);
      const res = await say(PEOPLE[as], thread(CHANNELS.visits, String(opener.response.id)), text);
      if (res.status !== 200) throw new Error(`reply answered HTTP ${res.status}`);
      stub.slowDown(isOpener, 0);
      await approving;
      await settle();
    },
    async replyInStrayThread(as, text) {
      // Real Teams delivers thread replies to the bot without an @mention (the RSC permission).
      const res = await say(PEOPLE[as], thread(CHANNELS.visits, `stray-${Math.floor(Math.random() * 1e6)}`), text);
      if (res.status !== 200) throw new Error(`reply answered HTTP ${res.status}`);
      await settle();
    },
    breakDirectMessages(to) {
      const who = PEOPLE[to];
      // The Bot Connector's answer when one person's chat is broken, as seen from Teams in production.
      stub.failAlways(
        (call) =>
          call.method === "POST" &&
          !call.conversation.startsWith("19:") &&
          (call.conversation.includes(who.aad) || chatsOf(who).has(call.conversation)),
        { status: 500, body: { error: { code: "UserNotFound", message: "User not found" } } },
      );
    },
    delivered,
    shown,
    sentTo,
    async advance(minutes) {
      app.clock.advanceMinutes(minutes);
      await app.tick();
    },
    async close() {
      await app.close();
      await stub.close();
    },
  };
  if (options.install !== false) {
    const res = await post(teamInstallActivity(url, PEOPLE.head));
    if (res.status !== 200) throw new Error(`install answered ${res.status}`);
  }
  return harness;
}

/** Field id → the error text shown under it on a returned form card. */
export function errorsOnCard(card: unknown): Record<string, string> {
  const errors: Record<string, string> = {};
  eachCardElement(
    card,
    (element) => {
      if (element.type === "TextBlock" && typeof element.id === "string" && element.id.endsWith("_error"))
        errors[element.id.slice(0, -"_error".length)] = String(element.text);
    },
    ["body", "items", "columns"],
  );
  return errors;
}

/** The Action.Execute with this verb on a card, and the data it sends. */
export function findAction(card: unknown, verb: string): { data: Record<string, unknown> } | undefined {
  let found: { data: Record<string, unknown> } | undefined;
  const walk = (node: unknown): void => {
    if (found || !node || typeof node !== "object") return;
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    const element = node as Record<string, unknown>;
    if (element.type === "Action.Execute" && element.verb === verb) {
      found = { data: (element.data ?? {}) as Record<string, unknown> };
      return;
    }
    for (const value of Object.values(element)) walk(value);
  };
  walk(card);
  return found;
}

/** An invoke response in the driver's terms. */
export function readPress(res: Posted): Press {
  const body = res.body ?? {};
  if (body.type === "application/vnd.microsoft.card.adaptive") return { accepted: true, text: cardText(body.value) };
  if (body.type === "application/vnd.microsoft.activity.message") return { accepted: true, text: String(body.value) };
  return { accepted: false, text: String(body.value?.message ?? ""), code: body.value?.code };
}
