import { webApi } from "@slack/bolt";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { slackClientOptions } from "../../../src/adapters/slack/slack-adapter.js";
import { createSlackDelivery } from "../../../src/adapters/slack/slack-delivery.js";
import { notice } from "../../../src/app/messages/visit-messages.js";
import { DeliveryError } from "../../../src/app/ports.js";
import { type SlackApiStub, startSlackApiStub } from "./support/slack-api-stub.js";
import { CHANNELS, PEOPLE, type SlackHarness, startSlackHarness, validRequestValues } from "./support/slack-harness.js";

describe("ChatDelivery for Slack", () => {
  let stub: SlackApiStub;
  const delivery = () => createSlackDelivery(new webApi.WebClient("xoxb-test", slackClientOptions(stub.url)));
  beforeAll(async () => {
    stub = await startSlackApiStub();
  });
  afterAll(async () => {
    await stub.close();
  });
  beforeEach(() => stub.reset());

  it("posts to a channel with mentions, in a thread when given, and returns { channel, ts }", async () => {
    const ref = await delivery().post(
      { kind: "channel", channel: "C0VISITS01", threadRef: { channel: "C0VISITS01", ts: "1795.000001" }, mentions: ["U1"] },
      notice("Hello"),
    );
    expect(ref).toEqual({ channel: "C0VISITS01", ts: stub.calls[0]?.response?.ts });
    expect(stub.calls[0]?.params).toMatchObject({ channel: "C0VISITS01", thread_ts: "1795.000001", text: "<@U1> Hello" });
  });

  it("posts a DM to the user id and keeps the DM channel Slack returns", async () => {
    const ref = await delivery().post({ kind: "dm", user: "U0STAF005" }, notice("Hi"));
    expect(stub.calls[0]?.params.channel).toBe("U0STAF005");
    expect(ref.channel).toBe("D0STAF005");
  });

  it("updates in place with chat.update on the same channel and ts", async () => {
    const ref = await delivery().update({ channel: "C0APPROVAL", ts: "1795.000009" }, notice("Approved"));
    expect(stub.calls[0]).toMatchObject({ method: "chat.update", params: { channel: "C0APPROVAL", ts: "1795.000009" } });
    expect(ref).toEqual({ channel: "C0APPROVAL", ts: "1795.000009" });
  });

  it.each([
    [
      "429 with Retry-After",
      { status: 429, headers: { "retry-after": "30" }, body: { ok: false, error: "ratelimited" } },
      30_000,
      true,
    ],
    ["channel_not_found", { body: { ok: false, error: "channel_not_found" } }, undefined, false],
    ["not_in_channel", { body: { ok: false, error: "not_in_channel" } }, undefined, false],
    ["invalid_auth", { body: { ok: false, error: "invalid_auth" } }, undefined, false],
    ["a 503", { status: 503, body: { ok: false } }, undefined, true],
    ["an internal_error", { body: { ok: false, error: "internal_error" } }, undefined, true],
  ])("maps %s to the right DeliveryError, after one attempt", async (_label, failure, retryAfterMs, retryable) => {
    stub.failNext("chat.postMessage", failure);
    const started = Date.now();
    const error = await delivery()
      .post({ kind: "channel", channel: "C1", mentions: [] }, notice("x"))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ retryAfterMs, retryable });
    expect(stub.callsTo("chat.postMessage")).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("maps a network failure to a retryable DeliveryError", async () => {
    const dead = createSlackDelivery(new webApi.WebClient("xoxb-test", slackClientOptions("http://127.0.0.1:9/api/")));
    const error = await dead.post({ kind: "dm", user: "U1" }, notice("x")).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "DeliveryError", retryable: true });
  });
});

describe("the outbox with Slack failing", () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it("keeps a rate-limited approval card and posts it once Retry-After has passed", async () => {
    h.stub.failNext(
      "chat.postMessage",
      { status: 429, headers: { "retry-after": "30" }, body: { ok: false, error: "ratelimited" } },
      (params) => params.channel === CHANNELS.approvals,
    );
    const view = await h.openRequestForm();
    await h.slack.submitView(PEOPLE.requester, view, validRequestValues());
    await h.settle();
    const attempts = () => h.stub.callsTo("chat.postMessage").filter((c) => c.params.channel === CHANNELS.approvals);
    expect(attempts()).toHaveLength(1);
    h.app.clock.advanceMinutes(0.4); // 24 s: still inside Retry-After
    await h.app.flush();
    expect(attempts()).toHaveLength(1);
    h.app.clock.advanceMinutes(0.2); // 36 s
    await h.app.flush();
    expect(attempts()).toHaveLength(2);
    expect(attempts()[1]?.response?.ok).toBe(true);
  });
});
