import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createSlackAdapter } from "../../../src/adapters/slack/slack-adapter.js";
import type { AppContext } from "../../../src/app/app-context.js";
import { loadConfig } from "../../../src/config/load-config.js";
import { HttpRoutes } from "../../../src/http/http-server.js";
import { PEOPLE, type SlackHarness, startSlackHarness, validRequestValues } from "./support/slack-harness.js";
import { signatureHeaders } from "./support/slack-requests.js";

let h: SlackHarness;
beforeAll(async () => {
  h = await startSlackHarness();
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => h.stub.reset());

const now = () => Math.floor(Date.now() / 1000);

describe("turning Slack on", () => {
  it("is off without SLACK_BOT_TOKEN: no adapter, no /slack/events route", async () => {
    const routes = new HttpRoutes();
    const adapter = await createSlackAdapter({ ctx: {} as AppContext, routes, config: loadConfig({}) });
    expect(adapter).toBeNull();
    expect(routes.find("POST", "/slack/events")).toBeUndefined();
  });

  it("is on with a token: the route hangs off the app's one server, next to /healthz", async () => {
    expect(h.adapter.platform).toBe("slack");
    expect((await fetch(`${h.app.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${h.app.url}/slack/events`)).status).toBe(404); // GET: not a Slack request
  });
});

describe("requests not signed by Slack", () => {
  it.each([
    ["signed with another secret", { secret: "not-the-secret" }],
    ["six minutes old", { timestamp: now() - 6 * 60 }],
    ["six minutes in the future", { timestamp: now() + 6 * 60 }],
    ["an hour in the future", { timestamp: now() + 3600 }],
  ])("a command %s gets 401 and changes nothing", async (_label, options) => {
    const reply = await h.slack.command(PEOPLE.requester, "", options);
    expect(reply.status).toBe(401);
    await h.adapter.settled();
    expect(h.stub.calls).toHaveLength(0);
  });

  it("a forged view submission gets 401 and no visit is created", async () => {
    const view = await h.openRequestForm();
    const before = (await h.app.ctx.store.listVisits({})).length;
    const reply = await h.slack.submitView(PEOPLE.requester, view, validRequestValues(), { timestamp: now() - 301 });
    expect(reply.status).toBe(401);
    const forged = await h.slack.submitView(PEOPLE.requester, view, validRequestValues(), { secret: "guessed" });
    expect(forged.status).toBe(401);
    await h.settle();
    expect((await h.app.ctx.store.listVisits({})).length).toBe(before);
    expect(h.stub.callsTo("chat.postMessage")).toHaveLength(0);
  });

  it("a request without signature headers, or with a tampered body, gets 401", async () => {
    const raw = new URLSearchParams({ command: "/homevisit", text: "status", user_id: PEOPLE.dsl }).toString();
    const bare = await fetch(`${h.app.url}/slack/events`, {
      method: "POST",
      body: raw,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(bare.status).toBe(401);
    const signed = signatureHeaders(raw);
    const tampered = await fetch(`${h.app.url}/slack/events`, {
      method: "POST",
      body: raw.replace("status", "list"),
      headers: { "content-type": "application/x-www-form-urlencoded", ...signed },
    });
    expect(tampered.status).toBe(401);
  });

  it("answers Slack's signed URL verification and its unsigned SSL check", async () => {
    const challenge = await h.slack.post(
      JSON.stringify({ token: "t", challenge: "chal-123", type: "url_verification" }),
      "application/json",
    );
    expect(challenge.json()).toEqual({ challenge: "chal-123" });
    const ssl = await fetch(`${h.app.url}/slack/events`, {
      method: "POST",
      body: "ssl_check=1&token=t",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(ssl.status).toBe(200);
  });
});

describe("/homevisit subcommands answer ephemerally", () => {
  const ask = async (user: string, text: string) => {
    const reply = await h.slack.command(user, text);
    expect(reply.status).toBe(200);
    const body = reply.json();
    expect(body.response_type).toBe("ephemeral");
    return String(body.text);
  };

  it("help lists the subcommands and the thread words", async () => {
    const text = await ask(PEOPLE.stranger, "help");
    expect(text).toMatch(/^\/homevisit — request a home visit/);
    expect(text).toMatch(/^\/homevisit status — /m);
    expect(text).toMatch(/^\/homevisit cancel HV-XXXXX/m);
    expect(text).toMatch(/reply: leaving, arrived/);
  });

  it("status lists my visits; list is for approvers and the office only", async () => {
    expect(await ask(PEOPLE.requester, "status")).toMatch(/no open home visits/);
    const visit = await h.requestVisit();
    const mine = await ask(PEOPLE.requester, "status");
    expect(mine).toContain(visit.id);
    expect(mine).toMatch(/waiting for approval/);
    expect(await ask(PEOPLE.second, "list")).toBe(
      "Sorry, only approvers and the school office can list everyone's visits. /homevisit status shows yours.",
    );
    expect(await ask(PEOPLE.office, "list")).toContain(visit.id);
    expect(await ask(PEOPLE.dsl, "LIST")).toContain(visit.id);
  });

  it("cancel cancels a visit for its requester, updates the card, and refuses others", async () => {
    const visit = await h.requestVisit();
    expect(await ask(PEOPLE.office, `cancel ${visit.id}`)).toMatch(/^Only the requester, the visiting staff or an approver/);
    expect(await ask(PEOPLE.requester, "cancel")).toMatch(/Which visit\?/);
    expect(await ask(PEOPLE.requester, "cancel HV-ZZZZZ")).toMatch(/There is no home visit HV-ZZZZZ\. Check the visit id/);
    expect(await ask(PEOPLE.requester, `cancel ${visit.id.toLowerCase()} parents moved the meeting`)).toBe(
      `Home visit ${visit.id} is cancelled: parents moved the meeting.`,
    );
    await h.settle();
    const cancelled = await h.visit(visit.id);
    expect(cancelled.status).toBe("cancelled");
    expect(cancelled.progress.cancelReason).toBe("parents moved the meeting");
    const update = h.stub.callsTo("chat.update").find((c) => c.content.includes(visit.id));
    expect(update?.content).toMatch(/Cancelled\* by Erin Walsh, .*: parents moved the meeting/);
  });

  it("an unknown subcommand gets the help, and someone outside the directory is told why", async () => {
    expect(await ask(PEOPLE.requester, "frobnicate")).toMatch(/^I don't know "frobnicate"/);
    expect(await ask(PEOPLE.stranger, "status")).toMatch(/not in this school's homevisit staff directory\. Ask/);
  });
});
