import { randomUUID } from "node:crypto";
import type { TestDatabase } from "../../../support/test-database.js";
import type { ChatDriver, FormOutcome, Place, Press, RequestValues, ShownMessage, StaffKey } from "../../shared/chat-driver.js";
import { validRequestValues } from "../../shared/visit-request.js";
import type { SlackCall } from "./slack-api-stub.js";
import { CHANNELS, PEOPLE, type SlackHarness, startSlackHarness } from "./slack-harness.js";
import type { SlackReply } from "./slack-requests.js";

/**
 * The shared scenarios' ChatDriver in Slack. Everything a person does is a correctly signed request
 * to /slack/events as Slack sends it: /homevisit, a button press or a modal submission (payload=…),
 * a message event in the visit's thread. Everything the bot says is read back from what it sent to
 * the local Web API stub (chat.postMessage, chat.update, chat.postEphemeral, views.open, response_url).
 */
export interface SlackDriver extends ChatDriver {
  readonly platform: "slack";
  harness: SlackHarness;
}

/** Modals a button opens to ask for its inputs before anything is decided. */
const DECISION_FORMS = new Set(["visit_decline_submit", "visit_conditions_submit", "escalation_safe_submit"]);
/** The calls that put a message in a channel for everyone there. */
const POSTS = new Set(["chat.postMessage", "chat.update"]);

type View = Record<string, unknown>;

interface Where {
  channel: string;
  ts?: string;
  /** Set when the message is a reply in a thread. */
  threadTs?: string;
}

interface Submission {
  /** Slack closed the modal: nothing came back. */
  closed: boolean;
  errors: Record<string, string>;
  text: string;
}

export async function startSlackDriver(options: { db?: TestDatabase; env?: Record<string, string> } = {}): Promise<SlackDriver> {
  const harness = await startSlackHarness(options);
  const { app, stub, slack, adapter, settle } = harness;

  /** response_url answers carry no channel: the channel (and thread) of the press they answer. */
  const answeredIn = new Map<SlackCall, Where>();

  const staffIdOf = (as: StaffKey) => app.ctx.directory.staff.find((person) => person.slack === PEOPLE[as])?.id;
  const visit = harness.visit;
  const visitIds = async () => new Set((await app.ctx.store.listVisits({})).map((v) => v.id));

  /** The channel a call was about; a post to a user id is the DM Slack opened for it (its D… id). */
  const channelOf = (call: SlackCall): string | undefined => {
    if (call.method === "response_url") return answeredIn.get(call)?.channel;
    if (call.method === "chat.postMessage" && typeof call.response?.channel === "string") return call.response.channel;
    return typeof call.params.channel === "string" ? call.params.channel : undefined;
  };
  const threadOf = (call: SlackCall): string | undefined =>
    call.method === "response_url"
      ? answeredIn.get(call)?.threadTs
      : typeof call.params.thread_ts === "string"
        ? call.params.thread_ts
        : undefined;

  /** The DM channels between the bot and someone: their user id, and the D… ids Slack answered with. */
  const dmChannels = (user: string): Set<string> => {
    const channels = new Set([user, `D${user.slice(1)}`]);
    for (const call of stub.callsTo("chat.postMessage"))
      if (call.params.channel === user && typeof call.response?.channel === "string") channels.add(call.response.channel);
    return channels;
  };

  /** The ts of the visit's thread opener, as the stub answered its post in the visits channel. */
  const threadTs = (visitId: string): string => {
    const opener = stub
      .callsTo("chat.postMessage")
      .find((c) => c.params.channel === CHANNELS.visits && !c.params.thread_ts && c.content.includes(visitId));
    const ts = opener?.response?.ts;
    if (typeof ts !== "string") throw new Error(`no thread opened for ${visitId}`);
    return ts;
  };

  const inPlace = (place: Place, visitId?: string): ((call: SlackCall) => boolean) => {
    if (place === "thread") {
      if (!visitId) throw new Error("which visit's thread?");
      const root = threadTs(visitId);
      return (call) => channelOf(call) === CHANNELS.visits && threadOf(call) === root;
    }
    if (typeof place === "object") {
      const channels = dmChannels(PEOPLE[place.dm]);
      return (call) => channels.has(channelOf(call) ?? "");
    }
    const channel = CHANNELS[place];
    return (call) => channelOf(call) === channel;
  };

  /**
   * Where the bot last showed this button for this visit to this person: in a channel, or in their
   * own DM. A card edited since may no longer show it; a press of the stale copy still arrives.
   */
  const whereIsButton = (actionId: string, visitId: string, user: string): Where | undefined => {
    const own = dmChannels(user);
    const call = stub.calls
      .filter((c) => POSTS.has(c.method) && hasButton(c.params.blocks, actionId, visitId))
      .filter((c) => Object.values(CHANNELS).some((channel) => channel === channelOf(c)) || own.has(channelOf(c) ?? ""))
      .at(-1);
    if (!call) return undefined;
    const channel = channelOf(call);
    const ts = call.method === "chat.update" ? call.params.ts : call.response?.ts;
    if (!channel || typeof ts !== "string") return undefined;
    return { channel, ts, threadTs: threadOf(call) };
  };

  const audited = async (visitId: string, staffId: string | undefined) =>
    staffId ? (await app.ctx.store.listAudit(visitId)).filter((entry) => entry.actorId === staffId).length : 0;

  /**
   * Presses a button as Slack sends the press. A decline or conditions button opens a modal, which
   * is filled in with `inputs` and submitted; any other modal (the Home Visit Form) is returned open.
   * Slack answers a press with a note or nothing either way, so whether it was accepted is read from
   * the visit's audit trail (an entry by the presser), or from a form opening.
   */
  const pressButton = async (
    as: StaffKey,
    actionId: string,
    visitId: string,
    inputs: Record<string, string> = {},
  ): Promise<{ press: Press; view?: View }> => {
    const user = PEOPLE[as];
    const where = whereIsButton(actionId, visitId, user) ?? { channel: `D${user.slice(1)}` };
    const staffId = staffIdOf(as);
    const auditBefore = await audited(visitId, staffId);
    const before = stub.calls.length;
    const triggerId = `trigger-${randomUUID()}`;
    const clicked = await slack.click(user, actionId, visitId, { channel: where.channel, ts: where.ts, triggerId });
    if (clicked.status !== 200) throw new Error(`${actionId} answered HTTP ${clicked.status}`);
    await adapter.settled();

    let view = stub.calls.slice(before).find((c) => c.method === "views.open" && c.params.trigger_id === triggerId)?.params
      .view as View | undefined;
    let submission: Submission | undefined;
    if (view && DECISION_FORMS.has(String(view.callback_id))) {
      submission = readSubmission(await slack.submitView(user, view, inputsFor(view, inputs)));
      view = undefined;
    }
    await settle();

    const after = stub.calls.slice(before);
    const told = after.filter(
      (c) => c.method === "response_url" || (c.method === "chat.postEphemeral" && c.params.user === user),
    );
    for (const call of told) if (call.method === "response_url") answeredIn.set(call, where);
    const accepted = (await audited(visitId, staffId)) > auditBefore || (view !== undefined && !submission);
    const card = accepted
      ? after.filter((c) => c.method === "chat.update" && c.params.channel === where.channel && c.params.ts === where.ts).at(-1)
      : undefined;
    const text = [
      submission?.text,
      card ? messageText(card.params) : undefined,
      ...told.map((c) => messageText(c.params)),
      view ? messageText(view) : undefined,
    ]
      .filter((part): part is string => !!part)
      .join("\n");
    return { press: { accepted, text }, view };
  };

  const submitRequest = async (values: RequestValues, as: StaffKey = "requester") => {
    const user = PEOPLE[as];
    const triggerId = `trigger-${randomUUID()}`;
    const before = stub.calls.length;
    const answer = await slack.command(user, "", { triggerId });
    if (answer.status !== 200) throw new Error(`/homevisit answered HTTP ${answer.status}`);
    await adapter.settled();
    const opened = stub.calls.slice(before).find((c) => c.method === "views.open" && c.params.trigger_id === triggerId);
    if (!opened) return { errors: { _: answer.text ? String(answer.json().text) : "no form opened" } };
    const existing = await visitIds();
    const submission = readSubmission(await slack.submitView(user, opened.params.view as View, values));
    await settle();
    const created = (await app.ctx.store.listVisits({})).find((v) => !existing.has(v.id));
    return { visit: created, errors: submission.errors };
  };

  const driver: SlackDriver = {
    platform: "slack",
    harness,
    visit,
    settle,
    submitRequest,
    async requestVisit(values = validRequestValues(), as = "requester") {
      const { visit: created, errors } = await submitRequest(values, as);
      if (!created) throw new Error(`request refused: ${JSON.stringify(errors)}`);
      return created;
    },
    async press(as, actionId, visitId, inputs) {
      return (await pressButton(as, actionId, visitId, inputs)).press;
    },
    async reply(as, visitId, text) {
      const user = PEOPLE[as];
      const before = stub.calls.length;
      const sent = await slack.message(user, CHANNELS.visits, text, threadTs(visitId));
      if (sent.status !== 200) throw new Error(`reply answered HTTP ${sent.status}`);
      await adapter.settled();
      // What the bot said back to this person alone; the outbox's posts to the thread are not it.
      const told = stub.calls
        .slice(before)
        .filter((c) => c.method === "chat.postEphemeral" && c.params.user === user)
        .map((c) => messageText(c.params));
      await settle();
      return told;
    },
    async command(as, text) {
      const user = PEOPLE[as];
      const before = stub.calls.length;
      const answer = await slack.command(user, text, { channel: `D${user.slice(1)}` });
      if (answer.status !== 200) throw new Error(`/homevisit ${text} answered HTTP ${answer.status}`);
      await adapter.settled();
      // Slack shows the command's answer to whoever typed it: in the HTTP answer, or later by response_url.
      const late = stub.calls
        .slice(before)
        .filter((c) => c.method === "response_url")
        .map((c) => messageText(c.params));
      const now = answer.text ? messageText(answer.json()) : "";
      await settle();
      return [now, ...late].filter(Boolean).join("\n");
    },
    async directMessage(as, text) {
      const user = PEOPLE[as];
      const before = stub.calls.length;
      const sent = await slack.message(user, `D${user.slice(1)}`, text);
      if (sent.status !== 200) throw new Error(`direct message answered HTTP ${sent.status}`);
      await settle();
      const dm = dmChannels(user);
      return stub.calls
        .slice(before)
        .filter((c) => c.method === "chat.postMessage" && dm.has(channelOf(c) ?? ""))
        .map((c) => messageText(c.params));
    },
    async replyInStrayThread(as, text) {
      const sent = await slack.message(
        PEOPLE[as],
        CHANNELS.visits,
        text,
        `1799999${String(Math.floor(Math.random() * 1e3))}.000001`,
      );
      if (sent.status !== 200) throw new Error(`reply answered HTTP ${sent.status}`);
      await settle();
    },
    async approveAndReplyBeforeThreadKnown(approver, visitId, as, text) {
      stub.slowDown("chat.postMessage", 1_500);
      const approving = pressButton(approver, "visit_approve", visitId);
      const opener = await stub.waitFor(
        (c) =>
          c.method === "chat.postMessage" &&
          c.params.channel === CHANNELS.visits &&
          !c.params.thread_ts &&
          c.content.includes(visitId),
        10_000,
      );
      const sent = await slack.message(PEOPLE[as], CHANNELS.visits, text, String(opener.response?.ts));
      if (sent.status !== 200) throw new Error(`reply answered HTTP ${sent.status}`);
      stub.slowDown("chat.postMessage", 0);
      await approving;
      await settle();
    },
    breakDirectMessages(to) {
      const user = PEOPLE[to];
      stub.failAlways("chat.postMessage", { status: 500, body: { ok: false, error: "internal_error" } }, (params) =>
        dmChannels(user).has(String(params.channel)),
      );
    },
    async submitRecord(as, visitId, values): Promise<FormOutcome> {
      const { press, view } = await pressButton(as, "record_open", visitId);
      if (!view) return { saved: false, errors: {}, text: press.text };
      const submission = readSubmission(await slack.submitView(PEOPLE[as], view, values));
      await settle();
      return { saved: submission.closed, errors: submission.errors, text: submission.text };
    },
    async delivered(place, visitId) {
      const matches = inPlace(place, visitId);
      return stub.calls.filter((c) => POSTS.has(c.method) && matches(c)).map((c) => messageText(c.params));
    },
    async shown(place, visitId) {
      const matches = inPlace(place, visitId);
      const messages = new Map<string, ShownMessage>();
      for (const call of stub.calls.filter((c) => POSTS.has(c.method) && matches(c))) {
        const edit = call.method === "chat.update";
        const id = String(edit ? call.params.ts : call.response?.ts);
        const key = `${channelOf(call)}#${id}`;
        const earlier = messages.get(key);
        messages.set(key, { id, text: messageText(call.params), edits: edit ? (earlier?.edits ?? 0) + 1 : 0 });
      }
      return [...messages.values()];
    },
    async sentTo(place, visitId) {
      const matches = inPlace(place, visitId);
      return stub.calls.filter(matches).map((c) => c.content);
    },
    async advance(minutes) {
      app.clock.advanceMinutes(minutes);
      await app.tick();
    },
    close: () => harness.close(),
  };
  return driver;
}

/** Only the inputs the modal has (Teams puts every input on the card; Slack asks in the modal). */
function inputsFor(view: View, inputs: Record<string, string>): Record<string, string> {
  const blocks = (view.blocks ?? []) as { type?: string; block_id?: string }[];
  const ids = new Set(blocks.filter((b) => b.type === "input" && b.block_id).map((b) => String(b.block_id)));
  return Object.fromEntries(Object.entries(inputs).filter(([id]) => ids.has(id)));
}

/** A view_submission's answer: empty closes the modal; errors go under fields; update shows a notice. */
function readSubmission(reply: SlackReply): Submission {
  if (reply.status !== 200) throw new Error(`view submission answered HTTP ${reply.status}`);
  if (!reply.text) return { closed: true, errors: {}, text: "" };
  const body = reply.json() as { response_action?: string; errors?: Record<string, string>; view?: View };
  if (body.response_action === "errors") {
    const errors = body.errors ?? {};
    return { closed: false, errors, text: Object.values(errors).join("\n") };
  }
  return { closed: false, errors: {}, text: body.view ? messageText(body.view) : reply.text };
}

function hasButton(blocks: unknown, actionId: string, value: string): boolean {
  if (!Array.isArray(blocks)) return false;
  return blocks.some(
    (block: { type?: string; elements?: { action_id?: string; value?: string }[] }) =>
      block.type === "actions" && !!block.elements?.some((e) => e.action_id === actionId && e.value === value),
  );
}

type TextObject = { text?: string } | undefined;
interface SlackBlock {
  type?: string;
  text?: TextObject;
  fields?: TextObject[];
  elements?: ({ type?: string; text?: TextObject | string } | undefined)[];
  label?: TextObject;
}

/**
 * What a person reads in a message, modal or ephemeral note: its blocks' text (sections, fields,
 * context, headers, input labels, [button labels]), else its fallback text; mrkdwn escapes undone.
 */
export function messageText(params: Record<string, unknown>): string {
  const parts: string[] = [];
  if (params.title && typeof params.title === "object") parts.push(String((params.title as TextObject)?.text ?? ""));
  for (const block of (Array.isArray(params.blocks) ? params.blocks : []) as SlackBlock[]) {
    if (block.text?.text) parts.push(block.text.text);
    for (const field of block.fields ?? []) if (field?.text) parts.push(field.text);
    if (block.label?.text) parts.push(block.label.text);
    for (const element of block.elements ?? []) {
      if (!element) continue;
      if (element.type === "button" && typeof element.text === "object") parts.push(`[${element.text.text ?? ""}]`);
      else if (typeof element.text === "string") parts.push(element.text);
    }
  }
  if (parts.length === 0 && typeof params.text === "string") parts.push(params.text);
  return parts.join("\n").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}
