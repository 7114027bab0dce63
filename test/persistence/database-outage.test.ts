import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Logger } from "../../src/app/app-context.js";
import { type Database, openDatabase } from "../../src/persistence/open-database.js";
import { createPrismaStore } from "../../src/persistence/prisma-store.js";
import { CHANNELS, PEOPLE, type SlackHarness, startSlackHarness } from "../adapters/slack/support/slack-harness.js";
import { type PausableProxy, startPausableProxy } from "../support/pausable-proxy.js";
import { SCHOOL_MORNING, TestClock } from "../support/test-clock.js";
import { createScratchPostgres, type ScratchDatabase, type TestDatabase, testDatabaseUrl } from "../support/test-database.js";

const NOT_RECORDED = /could not record that just now\. Please send it again/;
const lines: { level: string; message: string }[] = [];
const log: Logger = {
  info: (message) => lines.push({ level: "info", message }),
  warn: (message) => lines.push({ level: "warn", message }),
  error: (message) => lines.push({ level: "error", message }),
};

let scratch: ScratchDatabase;
let proxy: PausableProxy;
let database: Database;
let h: SlackHarness;

beforeAll(async () => {
  const base = testDatabaseUrl();
  if (!base) return;
  scratch = await createScratchPostgres(base, "hv_outage");
  proxy = await startPausableProxy(scratch.url);
  // The app's own settings: 2 s connect and query timeouts (DATABASE_TIMEOUT_SECONDS).
  database = await openDatabase({ kind: "postgres", url: proxy.url }, { timeoutMs: 2000, log });
  const clock = new TestClock(SCHOOL_MORNING);
  const store = createPrismaStore(database, clock);
  const db: TestDatabase = {
    store,
    clock,
    kind: "postgres",
    url: proxy.url,
    query: (sql, ...params) => database.prisma.$queryRawUnsafe(sql, ...params),
    openAnother: () => Promise.reject(new Error("one instance here")),
    storeFor: () => {
      throw new Error("one school here");
    },
    drop: async () => {},
  };
  h = await startSlackHarness({ db });
});
afterAll(async () => {
  proxy?.resume();
  await h?.close();
  await database?.close();
  await proxy?.close();
  await scratch?.drop();
});

async function ephemeralAfter(since: number, user: string): Promise<{ text: string; ms: number }> {
  const call = await h.stub.waitFor(
    (c) => c.method === "chat.postEphemeral" && c.params.user === user && (c.at ?? 0) >= since,
    10_000,
  );
  return { text: String(call.params.text), ms: (call.at ?? 0) - since };
}

describe.skipIf(!testDatabaseUrl())("the database blackholed (PostgreSQL behind a paused proxy)", () => {
  it("a check-in is answered 'not recorded' within 3 s, one line says the database is gone and one that it is back, and the ladder catches up", async () => {
    const visit = await h.requestVisit();
    await h.approve(visit.id);
    await h.reply(PEOPLE.requester, visit.id, "leaving");
    const thread = await h.threadTs(visit.id);
    lines.length = 0;

    proxy.pause();
    const first = Date.now();
    expect((await h.slack.message(PEOPLE.second, CHANNELS.visits, "ok", thread)).status).toBe(200);
    const told = await ephemeralAfter(first, PEOPLE.second);
    expect(told.text).toMatch(NOT_RECORDED);
    expect(told.ms).toBeLessThan(3000);

    // While it is known to be down, the next one is told at once, not after another timeout.
    const second = Date.now();
    await h.slack.message(PEOPLE.requester, CHANNELS.visits, "ok", thread);
    const again = await ephemeralAfter(second, PEOPLE.requester);
    expect(again.text).toMatch(NOT_RECORDED);
    expect(again.ms).toBeLessThan(1000);

    const ready = await fetch(`${h.app.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { reasons: string[] }).reasons.join("\n")).toMatch(/^database: no answer within 1 s/m);
    await expect(h.app.tick()).rejects.toThrow();
    expect(lines.filter((l) => /database unreachable/.test(l.message))).toHaveLength(1);

    // Back: one line, and the next tick acts on what fell due meanwhile.
    proxy.resume();
    const until = Date.now() + 10_000;
    while (!lines.some((l) => /database reachable again/.test(l.message)) && Date.now() < until)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(lines.filter((l) => /database reachable again/.test(l.message))).toHaveLength(1);
    expect(lines.filter((l) => /database unreachable/.test(l.message))).toHaveLength(1);
    h.app.clock.advanceMinutes(25); // the check-in (due 10:20 + grace) was missed meanwhile
    await h.app.tick();
    const audit = await h.app.ctx.store.listAudit(visit.id);
    expect(audit.map((entry) => entry.action)).toContain("prompt_check_in");
    expect((await fetch(`${h.app.url}/readyz`)).status).toBe(200);
    // The pair hear that the check-in was missed: nothing was lost, only late.
    expect((await h.reply(PEOPLE.second, visit.id, "ok")).progress.lastCheckIn?.by).toBe("f.nowak");
  }, 60_000);
});
