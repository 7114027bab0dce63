/**
 * How fast the bot acknowledges Slack under load: 50 signed `/homevisit` commands at once, then 50
 * approval clicks at once (on 50 different visits), against the real app and a local stand-in for
 * the Slack Web API. Slack gives up after 3 s, so the p99 must stay well below that.
 *
 * PostgreSQL when TEST_DATABASE_URL or DATABASE_URL is set, PGlite otherwise.
 *   npx tsx bench/slack-ack.ts
 */
import { pathToFileURL } from "node:url";
import type { SlackAdapter } from "../src/adapters/slack/slack-adapter.js";
import { createSlackAdapter } from "../src/adapters/slack/slack-adapter.js";
import { startSlackApiStub } from "../test/adapters/slack/support/slack-api-stub.js";
import { CHANNELS, PEOPLE, validRequestValues } from "../test/adapters/slack/support/slack-harness.js";
import { SIGNING_SECRET, type SlackReply, slackRequests } from "../test/adapters/slack/support/slack-requests.js";
import { startTestApp } from "../test/support/test-app.js";
import { createTestDatabase } from "../test/support/test-database.js";

export interface AckFigures {
  requests: number;
  medianMs: number;
  p99Ms: number;
  maxMs: number;
  /** Requests that did not get a 200 from the bot. */
  failed: number;
}

export interface SlackAckResult {
  database: "postgres" | "pglite";
  concurrency: number;
  command: AckFigures;
  approval: AckFigures;
  /** From the first click to the last approval saved (all work behind the acks). */
  approvalsDoneMs: number;
}

export async function runSlackAckBench(
  options: { concurrency?: number; log?: (line: string) => void } = {},
): Promise<SlackAckResult> {
  const concurrency = options.concurrency ?? 50;
  const log = options.log ?? console.log;
  const stub = await startSlackApiStub();
  const db = await createTestDatabase();
  const app = await startTestApp(
    { SLACK_BOT_TOKEN: "xoxb-bench", SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: stub.url },
    { adapters: [createSlackAdapter], db },
  );
  const adapter = app.adapters.find((a) => a.platform === "slack") as SlackAdapter;
  const slack = slackRequests(app.url, stub);
  try {
    // Warm up: the first requests pay for module loading and the first queries.
    for (let i = 0; i < 3; i++) await slack.command(PEOPLE.requester, "status");
    await adapter.settled();

    const command = await timeAll(concurrency, () => slack.command(PEOPLE.requester, ""));
    await adapter.settled();
    const view = stub.callsTo("views.open").at(-1)?.params.view as Record<string, unknown> | undefined;
    if (!view) throw new Error("the bot opened no request form");

    // Visits to approve, one per click, made the way staff make them.
    const before = new Set((await app.ctx.store.listVisits({ limit: 10_000 })).map((v) => v.id));
    for (let i = 0; i < concurrency; i++) {
      const reply = await slack.submitView(PEOPLE.requester, view, validRequestValues({ pupil_name: `Pupil ${i} Bench` }));
      if (reply.status !== 200 || reply.text) throw new Error(`request ${i} refused: ${reply.text}`);
    }
    await adapter.settled();
    await app.flush();
    const visits = (await app.ctx.store.listVisits({ statuses: ["requested"], limit: 10_000 })).filter((v) => !before.has(v.id));
    if (visits.length < concurrency) throw new Error(`only ${visits.length} visits were created`);

    const started = performance.now();
    let next = 0;
    const approval = await timeAll(concurrency, () => {
      const visit = visits[next++];
      return slack.click(PEOPLE.dsl, "visit_approve", visit?.id ?? "", { channel: CHANNELS.approvals });
    });
    await adapter.settled();
    const approvalsDoneMs = performance.now() - started;
    const approved = (await app.ctx.store.listVisits({ statuses: ["approved"], limit: 10_000 })).length;
    if (approved < concurrency) throw new Error(`only ${approved} of ${concurrency} visits were approved`);

    const result: SlackAckResult = { database: db.kind, concurrency, command, approval, approvalsDoneMs: round(approvalsDoneMs) };
    log(`Slack acknowledgement latency, ${concurrency} concurrent signed requests (${db.kind}):`);
    log(row("/homevisit (opens the form)", command));
    log(row("approval click", approval));
    log(`  all ${concurrency} approvals saved ${result.approvalsDoneMs} ms after the first click`);
    return result;
  } finally {
    await app.close();
    await db.drop();
    await stub.close();
  }
}

/** Fires `n` requests at once and measures each until its HTTP answer (the ack) arrives. */
async function timeAll(n: number, send: () => Promise<SlackReply>): Promise<AckFigures> {
  const results = await Promise.all(
    Array.from({ length: n }, async () => {
      const start = performance.now();
      const reply = await send();
      return { ms: performance.now() - start, ok: reply.status === 200 };
    }),
  );
  const sorted = results.map((r) => r.ms).sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
  return {
    requests: n,
    medianMs: round(at(0.5)),
    p99Ms: round(at(0.99)),
    maxMs: round(sorted.at(-1) ?? 0),
    failed: results.filter((r) => !r.ok).length,
  };
}

function row(label: string, f: AckFigures): string {
  return `  ${label.padEnd(30)} median ${String(f.medianMs).padStart(7)} ms   p99 ${String(f.p99Ms).padStart(7)} ms   max ${String(f.maxMs).padStart(7)} ms${f.failed ? `   ${f.failed} failed` : ""}`;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runSlackAckBench().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
