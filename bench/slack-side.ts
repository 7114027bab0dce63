/**
 * Slack's side of the acknowledgement benchmark, out of the bot's process as in production. Run by
 * bench/slack-ack.ts (child_process.fork) twice, answering over IPC: one process is the stand-in
 * for the Web API that the bot calls ("start", "calls"), the other sends the signed requests Slack
 * sends the bot ("send") and times them. Apart, the stand-in's work (50 views.open at once) does
 * not delay the reading of the acks, as it would not at Slack.
 */
import http from "node:http";
import { type SlackApiStub, startSlackApiStub } from "../test/adapters/slack/support/slack-api-stub.js";
import { type SlackReply, slackRequests } from "../test/adapters/slack/support/slack-requests.js";

/** One request Slack sends the bot. */
export type SlackSend =
  | { kind: "command"; userId: string; text: string }
  | { kind: "click"; userId: string; actionId: string; value: string; channel: string }
  | {
      kind: "submitView";
      userId: string;
      view: Record<string, unknown>;
      values: Record<string, string | number | boolean | undefined>;
    };

export interface SentReply {
  /** From just before the request is signed and sent to the whole answer received. */
  ms: number;
  status: number;
  text: string;
}

export type SlackSideRequest =
  | { id: number; op: "start" }
  | {
      id: number;
      op: "send";
      appUrl: string;
      apiUrl: string;
      concurrent: boolean;
      requests: SlackSend[];
      /** A new connection for each request rather than a kept-alive one. */
      newConnections: boolean;
    }
  | { id: number; op: "calls"; method: string }
  | { id: number; op: "close" };

export type SlackSideAnswer = { id: number; error?: string; apiUrl?: string; replies?: SentReply[]; calls?: unknown[] };

let stub: SlackApiStub | null = null;

/**
 * This process's fetch (used by slackRequests to send what Slack sends) over node:http, with
 * kept-alive connections unless asked for new ones: a lighter client than undici's fetch, whose
 * own CPU would otherwise be counted in every figure.
 */
const keptAlive = new http.Agent({ keepAlive: true, maxSockets: 256 });
let agent: http.Agent | false = keptAlive;
globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
  const body = Buffer.from(String(init?.body ?? ""));
  const headers = { ...(init?.headers as Record<string, string>), "content-length": String(body.length) };
  return new Promise<Response>((resolve, reject) => {
    const req = http.request(String(input), { method: init?.method ?? "GET", agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 0 })));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}) as typeof fetch;

function send(appUrl: string, apiUrl: string, request: SlackSend): Promise<SlackReply> {
  // The requests carry response_urls on the Web API stand-in, in the other process.
  const base = apiUrl.replace(/\/api\/$/, "");
  const api = { responseUrl: (id = "r1") => `${base}/respond/${id}` } as SlackApiStub;
  const slack = slackRequests(appUrl, api);
  switch (request.kind) {
    case "command":
      return slack.command(request.userId, request.text);
    case "click":
      return slack.click(request.userId, request.actionId, request.value, { channel: request.channel });
    case "submitView":
      return slack.submitView(request.userId, request.view, request.values);
  }
}

async function timed(appUrl: string, apiUrl: string, request: SlackSend): Promise<SentReply> {
  const start = performance.now();
  const reply = await send(appUrl, apiUrl, request);
  return { ms: performance.now() - start, status: reply.status, text: reply.text };
}

async function handle(message: SlackSideRequest): Promise<SlackSideAnswer> {
  switch (message.op) {
    case "start":
      stub = await startSlackApiStub();
      return { id: message.id, apiUrl: stub.url };
    case "send": {
      const { appUrl, apiUrl } = message;
      agent = message.newConnections ? false : keptAlive;
      if (message.concurrent) {
        return { id: message.id, replies: await Promise.all(message.requests.map((r) => timed(appUrl, apiUrl, r))) };
      }
      const replies: SentReply[] = [];
      for (const request of message.requests) replies.push(await timed(appUrl, apiUrl, request));
      return { id: message.id, replies };
    }
    case "calls":
      return { id: message.id, calls: stub?.callsTo(message.method).map((call) => call.params) ?? [] };
    case "close":
      await stub?.close();
      stub = null;
      return { id: message.id };
  }
}

process.on("message", (message: SlackSideRequest) => {
  handle(message)
    .catch((error: unknown): SlackSideAnswer => ({ id: message.id, error: String(error) }))
    .then((answer) => {
      process.send?.(answer);
      if (message.op === "close") process.disconnect();
    });
});
