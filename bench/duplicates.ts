/**
 * Two instances on one PostgreSQL, Slack answering every post in 1.5 s, 60 request forms submitted
 * at once (half to each instance): how many messages reach Slack more than once. Target: 0.
 * Each instance runs its real outbox runner on the real clock (shifted to a school morning), so
 * leases run out as they would in production if nobody renewed them.
 *
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx bench/duplicates.ts
 */
import { performance } from "node:perf_hooks";
import { createSlackAdapter } from "../src/adapters/slack/slack-adapter.js";
import { silentLogger } from "../src/app/app-context.js";
import { loadConfig } from "../src/config/load-config.js";
import type { Clock } from "../src/domain/clock.js";
import { openDatabase } from "../src/persistence/open-database.js";
import { createPrismaStore } from "../src/persistence/prisma-store.js";
import { type RunningApp, startApp } from "../src/start-app.js";
import { startSlackApiStub } from "../test/adapters/slack/support/slack-api-stub.js";
import { PEOPLE, validRequestValues } from "../test/adapters/slack/support/slack-harness.js";
import { SIGNING_SECRET, slackRequests } from "../test/adapters/slack/support/slack-requests.js";
import { createScratchPostgres } from "../test/support/test-database.js";

const REQUESTS = 60;
const POST_MS = 1500;

export interface DuplicateFigures {
  requests: number;
  posts: number;
  duplicates: number;
  deliveredInS: number;
}

export async function runDuplicateBench(log: (line: string) => void = console.log): Promise<DuplicateFigures | null> {
  const base = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  if (!base) {
    log("duplicates bench: needs PostgreSQL (two instances cannot share the embedded PGlite): n/a");
    return null;
  }
  const scratch = await createScratchPostgres(base, "hv_dup");
  const stub = await startSlackApiStub();
  const started = Date.now();
  const morning = new Date("2026-11-24T10:00:00.000Z").getTime();
  const clock: Clock = { now: () => new Date(morning + (Date.now() - started)) };
  const apps: RunningApp[] = [];
  try {
    const config = loadConfig({
      PORT: "0",
      HOST: "127.0.0.1",
      NODE_ENV: "test",
      SLACK_BOT_TOKEN: "xoxb-bench",
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: stub.url,
    });
    for (let i = 0; i < 2; i++) {
      const store = createPrismaStore(await openDatabase({ kind: "postgres", url: scratch.url }), clock);
      apps.push(await startApp(config, { clock, log: silentLogger, tick: false, adapters: [createSlackAdapter], store }));
    }
    const [a, b] = apps as [RunningApp, RunningApp];
    const slackA = slackRequests(a.url, stub);
    const slackB = slackRequests(b.url, stub);
    await slackA.command(PEOPLE.requester, "", { triggerId: "bench-open" });
    const view = (await stub.waitFor((c) => c.method === "views.open")).params.view as Record<string, unknown>;
    stub.slowDown("chat.postMessage", POST_MS);

    const t0 = performance.now();
    const answers = await Promise.all(
      Array.from({ length: REQUESTS }, (_, i) =>
        (i % 2 === 0 ? slackA : slackB).submitView(PEOPLE.requester, { ...view, id: `VBENCH${i}` }, validRequestValues()),
      ),
    );
    const refused = answers.filter((answer) => answer.status !== 200 || answer.text).length;
    if (refused > 0) throw new Error(`${refused} of ${REQUESTS} requests were refused`);
    // Both instances deliver as they do in production: kicked by the requests, leases renewed.
    const deadline = Date.now() + 180_000;
    for (;;) {
      const [row] = await a.ctx.store.outboxBacklog().then((rows) => [rows.reduce((sum, r) => sum + r.count, 0)]);
      if (row === 0) break;
      if (Date.now() > deadline) throw new Error(`${row} messages still undelivered after 180 s`);
      a.ctx.kick();
      b.ctx.kick();
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const deliveredInS = (performance.now() - t0) / 1000;
    const posts = stub.callsTo("chat.postMessage").filter((call) => (call.at ?? 0) >= started);
    const keys = posts.map((call) => `${String(call.params.channel)}|${String(call.params.thread_ts ?? "")}|${call.content}`);
    const duplicates = keys.length - new Set(keys).size;
    const figures = { requests: REQUESTS, posts: posts.length, duplicates, deliveredInS: Math.round(deliveredInS * 10) / 10 };
    log(
      `two instances, one PostgreSQL, Slack answering posts in ${POST_MS / 1000} s, ${REQUESTS} requests at once: ` +
        `${figures.posts} posts, ${figures.duplicates} duplicate(s) (target 0 ${duplicates === 0 ? "✓" : "✗"}), all delivered in ${figures.deliveredInS} s`,
    );
    return figures;
  } finally {
    for (const app of apps) {
      await app.stop(Date.now() + 5000);
      await app.ctx.store.close();
    }
    await stub.close();
    await scratch.drop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runDuplicateBench();
  process.exit(0);
}
