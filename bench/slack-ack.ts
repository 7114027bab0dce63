/**
 * How fast the bot acknowledges Slack under load: 50 signed `/homevisit` commands at once, then 50
 * approval clicks at once (on 50 different visits), against the real app and a local stand-in for
 * the Slack Web API. Slack gives up after 3 s, so the p99 must stay well below that.
 *
 * Each figure is the time from sending a request to its whole HTTP answer (the ack), taken where
 * Slack would take it. By default Slack's side runs out of the bot's process, as in production:
 * the requests (and their timing) in one child process, the Web API stand-in in another, so the
 * bot's event loop does only the bot's work and the stand-in's work does not delay the reading of
 * the acks. `slackSide: "in-process"` puts both back in the bot's process, as the first version of
 * this benchmark did: the client, the stub and the bot then share one event loop, and the figures
 * include the client waiting for the bot's work behind earlier acks before it reads its own.
 *
 * PostgreSQL when TEST_DATABASE_URL or DATABASE_URL is set, PGlite otherwise.
 *   npx tsx bench/slack-ack.ts
 */
import { fork } from "node:child_process";
import type { Server } from "node:http";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { SlackAdapter } from "../src/adapters/slack/slack-adapter.js";
import { createSlackAdapter } from "../src/adapters/slack/slack-adapter.js";
import { startSlackApiStub } from "../test/adapters/slack/support/slack-api-stub.js";
import { CHANNELS, PEOPLE, validRequestValues } from "../test/adapters/slack/support/slack-harness.js";
import { SIGNING_SECRET, slackRequests } from "../test/adapters/slack/support/slack-requests.js";
import { startTestApp } from "../test/support/test-app.js";
import { createTestDatabase } from "../test/support/test-database.js";
import type { SentReply, SlackSend, SlackSideAnswer, SlackSideRequest } from "./slack-side.js";

export interface AckFigures {
  requests: number;
  medianMs: number;
  p99Ms: number;
  maxMs: number;
  /** Requests that did not get a 200 from the bot. */
  failed: number;
  /** Inside the bot: from the request read by its HTTP server to the answer written. */
  inBot: { medianMs: number; p99Ms: number };
}

export type SlackSideMode = "separate-processes" | "in-process";

export interface SlackAckResult {
  database: "postgres" | "pglite";
  slackSide: SlackSideMode;
  connections: "kept-alive" | "new";
  concurrency: number;
  command: AckFigures;
  approval: AckFigures;
  /** From the first click to the last approval saved (all work behind the acks). */
  approvalsDoneMs: number;
}

export async function runSlackAckBench(
  options: {
    concurrency?: number;
    log?: (line: string) => void;
    slackSide?: SlackSideMode;
    /** Separate processes only: a new connection for every request instead of kept-alive ones. */
    newConnections?: boolean;
  } = {},
): Promise<SlackAckResult> {
  const concurrency = options.concurrency ?? 50;
  const log = options.log ?? console.log;
  const mode = options.slackSide ?? "separate-processes";
  // The first version of this benchmark sent each request with fetch, on whatever connection it had.
  const newConnections = mode === "in-process" || (options.newConnections ?? false);
  const side = mode === "in-process" ? await inProcessSlack() : await slackInChildProcesses();
  const db = await createTestDatabase();
  const app = await startTestApp(
    { SLACK_BOT_TOKEN: "xoxb-bench", SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: side.apiUrl },
    { adapters: [createSlackAdapter], db },
  );
  const adapter = app.adapters.find((a) => a.platform === "slack") as SlackAdapter;
  const send = (requests: SlackSend[], concurrent = false) => side.send(app.url, requests, concurrent, newConnections);
  const inBot = recordInBot(app.server);
  // Before a burst: `/homevisit help` from everyone at once (answered in the ack, no work behind
  // it) opens the connections the burst will use, as Slack's are open to a bot in use. The
  // in-process mode stays as the first version of this benchmark was, new connections and all.
  const openConnections = async () => {
    if (newConnections) return;
    await send(
      Array.from({ length: concurrency }, () => ({ kind: "command", userId: PEOPLE.requester, text: "help" })),
      true,
    );
  };
  try {
    // Warm up: the first requests pay for module loading and the first queries.
    await send(Array.from({ length: 3 }, () => ({ kind: "command", userId: PEOPLE.requester, text: "status" })));
    await adapter.settled();

    await openConnections();
    inBot.start();
    const command = figures(
      await send(
        Array.from({ length: concurrency }, () => ({ kind: "command", userId: PEOPLE.requester, text: "" })),
        true,
      ),
      inBot.stop(),
    );
    await adapter.settled();
    const view = (await side.calls("views.open")).at(-1)?.view as Record<string, unknown> | undefined;
    if (!view) throw new Error("the bot opened no request form");

    // Visits to approve, one per click, made the way staff make them.
    const before = new Set((await app.ctx.store.listVisits({ limit: 10_000 })).map((v) => v.id));
    const made = await send(
      Array.from({ length: concurrency }, (_, i) => ({
        kind: "submitView",
        userId: PEOPLE.requester,
        view,
        values: validRequestValues({ pupil_name: `Pupil ${i} Bench` }),
      })),
    );
    made.forEach((reply, i) => {
      if (reply.status !== 200 || reply.text) throw new Error(`request ${i} refused: ${reply.text}`);
    });
    await adapter.settled();
    await app.flush();
    const visits = (await app.ctx.store.listVisits({ statuses: ["requested"], limit: 10_000 })).filter((v) => !before.has(v.id));
    if (visits.length < concurrency) throw new Error(`only ${visits.length} visits were created`);

    await openConnections();
    inBot.start();
    const started = performance.now();
    const approval = figures(
      await send(
        visits.slice(0, concurrency).map((visit) => ({
          kind: "click",
          userId: PEOPLE.dsl,
          actionId: "visit_approve",
          value: visit.id,
          channel: CHANNELS.approvals,
        })),
        true,
      ),
      inBot.stop(),
    );
    await adapter.settled();
    const approvalsDoneMs = performance.now() - started;
    const approved = (await app.ctx.store.listVisits({ statuses: ["approved"], limit: 10_000 })).length;
    if (approved < concurrency) throw new Error(`only ${approved} of ${concurrency} visits were approved`);

    const result: SlackAckResult = {
      database: db.kind,
      slackSide: mode,
      connections: newConnections ? "new" : "kept-alive",
      concurrency,
      command,
      approval,
      approvalsDoneMs: round(approvalsDoneMs),
    };
    const where =
      mode === "in-process"
        ? "Slack's side in the bot's process, as first measured"
        : `Slack's side in its own processes, ${newConnections ? "a new connection per request" : "kept-alive connections"}`;
    log(`Slack acknowledgement latency, ${concurrency} concurrent signed requests (${db.kind}; ${where}):`);
    log(row("/homevisit (opens the form)", command));
    log(row("approval click", approval));
    log(`  all ${concurrency} approvals saved ${result.approvalsDoneMs} ms after the first click`);
    return result;
  } finally {
    await app.close();
    await db.drop();
    await side.close();
  }
}

/** Where Slack's requests come from and its Web API is answered. */
interface SlackSide {
  apiUrl: string;
  /** Sends the requests, all at once or one after another, timing each to its whole answer. */
  send(appUrl: string, requests: SlackSend[], concurrent: boolean, newConnections: boolean): Promise<SentReply[]>;
  /** The parameters of the calls the bot made to a Web API method. */
  calls(method: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

type WithoutId<T> = T extends unknown ? Omit<T, "id"> : never;

/** One process running bench/slack-side.ts, asked over IPC. */
function slackProcess(): { ask(request: WithoutId<SlackSideRequest>): Promise<SlackSideAnswer>; close(): Promise<void> } {
  const child = fork(fileURLToPath(new URL("./slack-side.ts", import.meta.url)), {
    execArgv: ["--import", import.meta.resolve("tsx")],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const waiting = new Map<number, { resolve: (answer: SlackSideAnswer) => void; reject: (error: Error) => void }>();
  let next = 0;
  child.on("message", (answer: SlackSideAnswer) => {
    const pending = waiting.get(answer.id);
    waiting.delete(answer.id);
    if (answer.error) pending?.reject(new Error(`slack side: ${answer.error}`));
    else pending?.resolve(answer);
  });
  child.on("exit", (code) => {
    for (const pending of waiting.values()) pending.reject(new Error(`slack side exited (${code})`));
    waiting.clear();
  });
  const ask = (request: WithoutId<SlackSideRequest>) =>
    new Promise<SlackSideAnswer>((resolve, reject) => {
      const id = ++next;
      waiting.set(id, { resolve, reject });
      child.send({ ...request, id } as SlackSideRequest);
    });
  return {
    ask,
    close: async () => {
      await ask({ op: "close" }).catch(() => {});
      if (child.exitCode === null) await new Promise((resolve) => child.once("exit", resolve));
    },
  };
}

/**
 * Slack's side in two child processes, as at Slack: the Web API stand-in in one, the requests to
 * the bot (and their timing) in the other. Neither shares the bot's event loop, nor each other's.
 */
async function slackInChildProcesses(): Promise<SlackSide> {
  const [api, sender] = [slackProcess(), slackProcess()];
  const apiUrl = (await api.ask({ op: "start" })).apiUrl ?? "";
  return {
    apiUrl,
    send: async (appUrl, requests, concurrent, newConnections) =>
      (await sender.ask({ op: "send", appUrl, apiUrl, requests, concurrent, newConnections })).replies ?? [],
    calls: async (method) => ((await api.ask({ op: "calls", method })).calls ?? []) as Record<string, unknown>[],
    close: async () => {
      await Promise.all([api.close(), sender.close()]);
    },
  };
}

/** Slack's side in the bot's own process (the first version of this benchmark). */
async function inProcessSlack(): Promise<SlackSide> {
  const stub = await startSlackApiStub();
  const timed = async (appUrl: string, request: SlackSend): Promise<SentReply> => {
    const slack = slackRequests(appUrl, stub);
    const start = performance.now();
    const reply =
      request.kind === "command"
        ? await slack.command(request.userId, request.text)
        : request.kind === "click"
          ? await slack.click(request.userId, request.actionId, request.value, { channel: request.channel })
          : await slack.submitView(request.userId, request.view, request.values);
    return { ms: performance.now() - start, status: reply.status, text: reply.text };
  };
  return {
    apiUrl: stub.url,
    send: async (appUrl, requests, concurrent) => {
      if (concurrent) return Promise.all(requests.map((request) => timed(appUrl, request)));
      const replies: SentReply[] = [];
      for (const request of requests) replies.push(await timed(appUrl, request));
      return replies;
    },
    calls: async (method) => stub.callsTo(method).map((call) => call.params),
    close: () => stub.close(),
  };
}

/** Median, p99 and worst of requests sent at once, each timed until its HTTP answer (the ack) arrived. */
function figures(replies: readonly SentReply[], inBotMs: readonly number[]): AckFigures {
  const sorted = replies.map((r) => r.ms).sort((a, b) => a - b);
  return {
    requests: replies.length,
    medianMs: round(quantile(sorted, 0.5)),
    p99Ms: round(quantile(sorted, 0.99)),
    maxMs: round(sorted.at(-1) ?? 0),
    failed: replies.filter((r) => r.status !== 200).length,
    inBot: { medianMs: round(quantile(inBotMs, 0.5)), p99Ms: round(quantile(inBotMs, 0.99)) },
  };
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}

/** Times each Slack request inside the bot, from its HTTP server reading it to the answer written. */
function recordInBot(server: Server): { start(): void; stop(): number[] } {
  let times: number[] | null = null;
  server.prependListener("request", (req, res) => {
    const recording = times;
    if (!recording || req.url !== "/slack/events") return;
    const start = performance.now();
    res.once("finish", () => recording.push(performance.now() - start));
  });
  return {
    start: () => {
      times = [];
    },
    stop: () => {
      const recorded = (times ?? []).sort((a, b) => a - b);
      times = null;
      return recorded;
    },
  };
}

function row(label: string, f: AckFigures): string {
  const ms = (n: number) => `${String(n).padStart(7)} ms`;
  return `  ${label.padEnd(30)} median ${ms(f.medianMs)}   p99 ${ms(f.p99Ms)}   max ${ms(f.maxMs)}   (in the bot: median ${f.inBot.medianMs} ms, p99 ${f.inBot.p99Ms} ms)${f.failed ? `   ${f.failed} failed` : ""}`;
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
