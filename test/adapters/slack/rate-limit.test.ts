import { afterEach, describe, expect, it } from "vitest";
import { createSlackAdapter } from "../../../src/adapters/slack/slack-adapter.js";
import type { OutgoingMessage } from "../../../src/app/ports.js";
import { startTestApp, type TestApp } from "../../support/test-app.js";
import { createTestDatabase, type TestDatabase, testDatabaseUrl } from "../../support/test-database.js";
import { type SlackApiStub, startSlackApiStub } from "./support/slack-api-stub.js";
import { CHANNELS } from "./support/slack-harness.js";
import { SIGNING_SECRET } from "./support/slack-requests.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const T = new Date("2026-11-24T10:50:00.000Z");
const at = (seconds: number) => new Date(T.getTime() + seconds * 1000);

async function slackApp(db: TestDatabase, stub: SlackApiStub, store = db.store): Promise<TestApp> {
  const app = await startTestApp(
    // One send at a time, so that no other call is already on its way when the 429 arrives (those
    // cannot be called back; what matters is that none leaves after it).
    { SLACK_BOT_TOKEN: "xoxb-test", SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: stub.url, DELIVERY_CONCURRENCY: "1" },
    { adapters: [createSlackAdapter], db: { ...db, store } },
  );
  cleanups.push(() => app.stop());
  return app;
}

const packs = (): OutgoingMessage[] =>
  ["EMERGENCY 1", "EMERGENCY 2", "EMERGENCY 3"].map((text, i) => ({
    visitId: `HV-RATE${i}`,
    platform: "slack",
    target: { kind: "channel", role: "alerts" },
    message: { text, blocks: [] },
    critical: true,
  }));

describe("Slack's Retry-After applies to chat.postMessage for the whole platform", () => {
  it("after a 429, no chat.postMessage leaves before Retry-After, from this instance or another; then each once", async () => {
    const db = await createTestDatabase(T);
    cleanups.push(() => db.drop());
    const stub = await startSlackApiStub();
    cleanups.push(() => stub.close());
    const a = await slackApp(db, stub);
    const b = testDatabaseUrl() ? await slackApp(db, stub, await db.openAnother()) : null;
    await a.ctx.store.inTransaction((tx) => tx.enqueue(packs(), T));
    stub.failNext("chat.postMessage", {
      status: 429,
      headers: { "retry-after": "30" },
      body: { ok: false, error: "ratelimited" },
    });

    await a.flush();
    const posts = () => stub.callsTo("chat.postMessage");
    expect(posts()).toHaveLength(1);
    for (const seconds of [1, 10, 29]) {
      db.clock.set(at(seconds));
      await a.flush();
      await b?.flush();
      expect(posts()).toHaveLength(1);
    }
    db.clock.set(at(30));
    await a.flush();
    await b?.flush();
    const delivered = posts().filter((call) => call.response?.ok === true);
    expect(delivered.map((call) => call.params.text).sort()).toEqual(["EMERGENCY 1", "EMERGENCY 2", "EMERGENCY 3"]);
    expect(delivered.every((call) => call.params.channel === CHANNELS.alerts)).toBe(true);
    expect(posts()).toHaveLength(4);
  });
});
