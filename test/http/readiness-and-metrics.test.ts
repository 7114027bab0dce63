import { afterEach, describe, expect, it } from "vitest";
import { createSlackAdapter } from "../../src/adapters/slack/slack-adapter.js";
import { startSlackApiStub } from "../adapters/slack/support/slack-api-stub.js";
import { SIGNING_SECRET } from "../adapters/slack/support/slack-requests.js";
import { tickAt, time, visitUnderWay } from "../safety/app-helpers.js";
import { FakeChat, fakeChatAdapter } from "../support/fake-chat.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function started(
  env: Record<string, string>,
  chat?: FakeChat,
  adapters = chat ? [fakeChatAdapter(chat)] : [],
): Promise<TestApp> {
  const app = await startTestApp(env, { adapters, start: time("10:00").toISOString() });
  cleanups.push(() => app.close());
  return app;
}

async function readiness(app: TestApp): Promise<{ status: number; body: { status: string; reasons: string[] } }> {
  const res = await fetch(`${app.url}/readyz`);
  return { status: res.status, body: (await res.json()) as { status: string; reasons: string[] } };
}

describe("/readyz", () => {
  it("is 200 when the database answers, the tick runs and nothing critical waits; /healthz stays plain liveness", async () => {
    const app = await started({}, new FakeChat("console"));
    await app.tick();
    expect(await readiness(app)).toEqual({ status: 200, body: { status: "ready", reasons: [] } });
    expect(await (await fetch(`${app.url}/healthz`)).json()).toMatchObject({ status: "ok" });
  });

  it("says 503 with the reason when the safety tick has not run for 3 ticks", async () => {
    const app = await started({ TICK_SECONDS: "1" }, new FakeChat("console"));
    await app.tick();
    let answer = await readiness(app);
    const until = Date.now() + 10_000;
    while (answer.status === 200 && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      answer = await readiness(app);
    }
    expect(answer.status).toBe(503);
    expect(answer.body.reasons.join("\n")).toMatch(/safety tick: last ran \d+ s ago \(it should run every 1 s\)/);
    await app.tick();
    expect((await readiness(app)).status).toBe(200);
  });

  it("says 503 when a safety-critical message has waited over 2 minutes, and 200 once it is delivered", async () => {
    const chat = new FakeChat("console");
    const app = await started({}, chat);
    await visitUnderWay(app, { leaveAt: time("10:00") });
    chat.failNext(1_000_000);
    await tickAt(app, time("10:25")); // the missed check-in: DMs to the pair, critical
    await tickAt(app, time("10:26"));
    expect((await readiness(app)).status).toBe(200);
    await tickAt(app, time("10:27", 30));
    const answer = await readiness(app);
    expect(answer.status).toBe(503);
    expect(answer.body.reasons.join("\n")).toMatch(/outbox: a safety-critical message has waited 1\d\d s/);
    chat.failNext(0);
    await tickAt(app, time("10:29"));
    expect((await readiness(app)).status).toBe(200);
  });

  it("says 503 when Slack refuses the token (auth.test: invalid_auth), and what to do", async () => {
    const stub = await startSlackApiStub();
    cleanups.push(() => stub.close());
    stub.failNext("auth.test", { body: { ok: false, error: "invalid_auth" } });
    const app = await started(
      { SLACK_BOT_TOKEN: "xoxb-revoked", SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: stub.url },
      undefined,
      [createSlackAdapter],
    );
    await app.tick();
    const answer = await readiness(app);
    expect(answer.status).toBe(503);
    expect(answer.body.reasons).toEqual([expect.stringMatching(/^slack: auth\.test failed \(invalid_auth\): .*SLACK_BOT_TOKEN/)]);
  });
});

describe("/metrics", () => {
  // The registry is the process's: counts add up over this file, so each is checked as "some".
  it("exports tick duration, timer lateness, the backlog, deliveries by result, 429s and request latency", async () => {
    const chat = new FakeChat("console");
    const app = await started({}, chat);
    await visitUnderWay(app, { leaveAt: time("10:00") });
    await tickAt(app, time("10:25"));
    chat.rateLimitNext(1, 30_000);
    await tickAt(app, time("10:30")); // the office's DM meets a 429
    await fetch(`${app.url}/healthz`);
    const res = await fetch(`${app.url}/metrics`);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/^homevisit_tick_duration_seconds_count [1-9]/m);
    expect(text).toMatch(/^homevisit_timer_lateness_seconds_count [1-9]/m);
    expect(text).toMatch(/^homevisit_outbox_backlog\{platform="console",critical="true"\} [1-9]/m);
    expect(text).toMatch(/^homevisit_deliveries_total\{platform="console",result="delivered"\} [1-9]/m);
    expect(text).toMatch(/^homevisit_deliveries_total\{platform="console",result="failed"\} [1-9]/m);
    expect(text).toMatch(/^homevisit_rate_limited_total\{platform="console",method="post"\} [1-9]/m);
    expect(text).toMatch(/^homevisit_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} [1-9]/m);
    // Nobody's name, mobile or visit id: labels are platforms, results, methods and routes.
    expect(text).not.toMatch(/HV-|Walsh|07700/);
  });
});
