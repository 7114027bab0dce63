import { createSlackAdapter, type SlackAdapter } from "../../../../src/adapters/slack/slack-adapter.js";
import type { Visit } from "../../../../src/domain/visit.js";
import { startTestApp, type TestApp } from "../../../support/test-app.js";
import type { TestDatabase } from "../../../support/test-database.js";
import { type SlackApiStub, type SlackCall, startSlackApiStub } from "./slack-api-stub.js";
import { SIGNING_SECRET, type SlackRequests, slackRequests } from "./slack-requests.js";

/** The demo school's people (schools/demo.yaml) as Slack knows them. */
export const PEOPLE = {
  requester: "U0STAF005", // e.walsh, staff
  second: "U0STAF006", // f.nowak, staff
  dsl: "U0DSL0001", // a.okafor, DSL: approves
  deputy: "U0DEP0002", // b.hughes, deputy DSL: approves
  head: "U0HEAD003", // c.morgan, headteacher: approves
  office: "U0OFFI004", // d.shah, office: does not approve
  stranger: "U0NOTSTAFF",
} as const;

export const CHANNELS = { approvals: "C0APPROVAL", visits: "C0VISITS01", alerts: "C0ALERTS01", records: "C0RECORDS1" } as const;

// One request fixture for every platform's tests.
import { validRequestValues } from "../../shared/visit-request.js";

export { CODE_WORD, PUPIL, validRequestValues } from "../../shared/visit-request.js";

export interface SlackHarness {
  app: TestApp;
  stub: SlackApiStub;
  slack: SlackRequests;
  adapter: SlackAdapter;
  /** Waits for every Slack request's work to finish, then delivers the outbox. */
  settle(): Promise<void>;
  /** /homevisit → the modal Slack was asked to open. */
  openRequestForm(userId?: string): Promise<Record<string, unknown>>;
  /** The whole request through Slack; returns the new visit. */
  requestVisit(values?: Record<string, string | number | boolean | undefined>, userId?: string): Promise<Visit>;
  /** The approval card's post for a visit. */
  approvalCard(visitId: string): SlackCall;
  approve(visitId: string, approver?: string): Promise<Visit>;
  /** The ts of the visit's thread opener in the visits channel. */
  threadTs(visitId: string): Promise<string>;
  reply(userId: string, visitId: string, text: string): Promise<Visit>;
  visit(id: string): Promise<Visit>;
  close(): Promise<void>;
}

/** "Add to Slack" settings (the Slack app's client id and secret, a state secret, a token key). */
export const OAUTH_ENV = {
  SLACK_CLIENT_ID: "1111111111.2222222222",
  SLACK_CLIENT_SECRET: "client-secret-0123456789abcdef",
  SLACK_STATE_SECRET: "state-secret-0123456789abcdef0123456789",
  TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
} as const;

export async function startSlackHarness(
  options: {
    db?: TestDatabase;
    env?: Record<string, string>;
    start?: string;
    school?: string;
    /** Installed per workspace with "Add to Slack" (OAUTH_ENV), without SLACK_BOT_TOKEN unless `env` gives one. */
    oauth?: boolean;
    /** The Slack workspace (team id) its requests come from (default: the stub's). */
    team?: string;
  } = {},
): Promise<SlackHarness> {
  const stub = await startSlackApiStub();
  const token = options.oauth ? OAUTH_ENV : { SLACK_BOT_TOKEN: "xoxb-test" };
  const app = await startTestApp(
    { ...token, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: stub.url, ...options.env },
    {
      adapters: [createSlackAdapter],
      db: options.db,
      ...(options.start ? { start: options.start } : {}),
      ...(options.school ? { school: options.school } : {}),
    },
  );
  const slack = slackRequests(app.url, stub, options.team);
  const adapter = app.adapters.find((a) => a.platform === "slack") as SlackAdapter;
  const settle = async () => {
    await adapter.settled();
    await app.flush();
  };
  const visit = async (id: string) => {
    const found = await app.ctx.store.getVisit(id);
    if (!found) throw new Error(`no visit ${id}`);
    return found;
  };

  const harness: SlackHarness = {
    app,
    stub,
    slack,
    adapter,
    settle,
    visit,
    async openRequestForm(userId = PEOPLE.requester) {
      const triggerId = `trigger-open-${Math.random()}`;
      const reply = await slack.command(userId, "", { triggerId });
      if (reply.status !== 200) throw new Error(`/homevisit answered ${reply.status}`);
      const call = await stub.waitFor((c) => c.method === "views.open" && c.params.trigger_id === triggerId);
      return call.params.view as Record<string, unknown>;
    },
    async requestVisit(values = validRequestValues(), userId = PEOPLE.requester) {
      const view = await harness.openRequestForm(userId);
      const before = new Set((await app.ctx.store.listVisits({})).map((v) => v.id));
      const reply = await slack.submitView(userId, view, values);
      if (reply.status !== 200 || reply.text) throw new Error(`submission refused: ${reply.status} ${reply.text}`);
      await settle();
      const created = (await app.ctx.store.listVisits({})).find((v) => !before.has(v.id));
      if (!created) throw new Error("no visit was created");
      return created;
    },
    approvalCard(visitId) {
      const card = stub.calls.find(
        (c) => c.method === "chat.postMessage" && c.params.channel === CHANNELS.approvals && c.content.includes(visitId),
      );
      if (!card) throw new Error(`no approval card for ${visitId}`);
      return card;
    },
    async approve(visitId, approver = PEOPLE.dsl) {
      const card = harness.approvalCard(visitId);
      await slack.click(approver, "visit_approve", visitId, { channel: CHANNELS.approvals, ts: tsOf(card) });
      await settle();
      return visit(visitId);
    },
    async threadTs(visitId) {
      // Where the outbox said the thread opener landed: the ref Slack returned for it.
      const ref = await app.ctx.store.getMessageRef(visitId, "slack", "thread");
      if (!ref?.ts || ref.channel !== CHANNELS.visits) throw new Error(`no thread opened for ${visitId}`);
      return ref.ts;
    },
    async reply(userId, visitId, text) {
      await slack.message(userId, CHANNELS.visits, text, await harness.threadTs(visitId));
      await settle();
      return visit(visitId);
    },
    async close() {
      await app.close();
      await stub.close();
    },
  };
  return harness;
}

/** The ts the stub gave a posted message. */
export function tsOf(call: SlackCall): string {
  const ts = call.response?.ts;
  if (typeof ts !== "string") throw new Error(`the stub did not answer ${call.method} with a ts`);
  return ts;
}
