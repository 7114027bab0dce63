import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { cardText } from "../../../../src/adapters/teams/card-text.js";

/** One call the bot made to the Bot Connector. */
export interface ConnectorCall {
  method: "POST" | "PUT" | string;
  path: string;
  /** The conversation id as it was in the URL (with `;messageid=` for a thread reply). */
  conversation: string;
  /** PUT: the activity updated. */
  activityId?: string;
  /** True for POST /v3/conversations (opening a 1:1 chat). */
  createsConversation: boolean;
  body: Record<string, unknown>;
  authorization?: string;
  /** What the stub answered. */
  response: Record<string, unknown>;
  status: number;
  /** The first Adaptive Card's content, if any. */
  card?: Record<string, unknown>;
  /** Everything the card (or text) shows, for assertions. */
  text: string;
}

export interface CannedFailure {
  status: number;
  headers?: Record<string, string>;
  body?: Record<string, unknown>;
}

export interface ConnectorStub {
  /** The serviceUrl to give the bot (TEAMS_SERVICE_URL) and to put on inbound activities. */
  url: string;
  calls: ConnectorCall[];
  /** Posts and updates of activities (not conversation creation). */
  messages(): ConnectorCall[];
  /** Messages to a conversation; a channel id also matches its threads unless `exact`. */
  to(conversation: string, options?: { exact?: boolean }): ConnectorCall[];
  /** The next call matching `when` fails with this answer. */
  failNext(when: (call: { method: string; path: string; conversation: string }) => boolean, failure: CannedFailure): void;
  /**
   * Calls matching `when` are answered `ms` later; they are recorded (with the id they will get)
   * on arrival, as Teams has posted the message before its answer reaches the bot. 0 undoes it.
   */
  slowDown(when: (call: { method: string; path: string; conversation: string }) => boolean, ms: number): void;
  /** Every call matching `when` fails with this answer, until reset (a person's 1:1 chat that keeps failing). */
  failAlways(when: (call: { method: string; path: string; conversation: string }) => boolean, failure: CannedFailure): void;
  /** Someone GET /v3/conversations/{id}/members/{userId} finds (in any conversation), as Teams answers it. */
  addMember(member: { id: string; name: string; aadObjectId: string; email?: string }): void;
  reset(): void;
  close(): Promise<void>;
}

/** A local stand-in for the Bot Connector service (smba.trafficmanager.net): records and answers. */
export async function startConnectorStub(): Promise<ConnectorStub> {
  const calls: ConnectorCall[] = [];
  const failures: { when: Parameters<ConnectorStub["failNext"]>[0]; failure: CannedFailure }[] = [];
  const lasting: { when: Parameters<ConnectorStub["failNext"]>[0]; failure: CannedFailure }[] = [];
  let nextId = 1_790_000_000_000;
  let nextChat = 0;
  let slow: { when: Parameters<ConnectorStub["slowDown"]>[0]; ms: number } | null = null;
  const members = new Map<string, { id: string; name: string; aadObjectId: string; email?: string }>();

  const server: Server = createServer(async (req, res) => {
    const raw = await readAll(req);
    const path = decodeURIComponent((req.url ?? "/").split("?")[0] ?? "/");
    const method = req.method ?? "GET";
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    const member = /^\/v3\/conversations\/(.+?)\/members\/([^/]+)$/.exec(path);
    if (member && method === "GET") {
      const found = members.get(member[2] ?? "");
      const answer = found
        ? { ...found, userPrincipalName: found.email, tenantId: "tenant", userRole: "user" }
        : { error: { code: "MemberNotFoundInConversation", message: "The member was not found" } };
      calls.push({
        method,
        path,
        conversation: member[1] ?? "",
        createsConversation: false,
        body: {},
        response: answer,
        status: found ? 200 : 404,
        text: "",
      });
      res.writeHead(found ? 200 : 404, { "content-type": "application/json" });
      res.end(JSON.stringify(answer));
      return;
    }
    const match = /^\/v3\/conversations(?:\/(.+?)\/activities(?:\/([^/]+))?)?$/.exec(path);
    const conversation = match?.[1] ?? "";
    const createsConversation = !!match && !match[1];
    const failureIndex = failures.findIndex((f) => f.when({ method, path, conversation }));
    const lastingFailure = lasting.find((f) => f.when({ method, path, conversation }))?.failure;
    let status: number;
    let response: Record<string, unknown>;
    let headers: Record<string, string> = {};
    if (failureIndex >= 0 || lastingFailure) {
      const failure = (failureIndex >= 0 ? failures.splice(failureIndex, 1)[0]?.failure : lastingFailure) ?? { status: 500 };
      status = failure.status;
      response = failure.body ?? { error: { code: "Failed", message: `canned ${failure.status}` } };
      headers = failure.headers ?? {};
    } else if (!match) {
      status = 404;
      response = { error: { code: "NotFound", message: `no route ${method} ${path}` } };
    } else if (createsConversation) {
      status = 201;
      response = { id: `a:chat-${++nextChat}` };
    } else if (method === "PUT") {
      status = 200;
      response = { id: match[2] };
    } else {
      status = 201;
      response = { id: String(nextId++) };
    }
    const card = firstCard(body);
    calls.push({
      method,
      path,
      conversation,
      activityId: match?.[2],
      createsConversation,
      body,
      authorization: req.headers.authorization,
      response,
      status,
      card,
      text: card ? cardText(card) : typeof body.text === "string" ? body.text : "",
    });
    if (slow?.when({ method, path, conversation })) await new Promise((resolve) => setTimeout(resolve, slow?.ms));
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(response));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  const messages = () => calls.filter((c) => !c.createsConversation && c.method !== "GET" && c.status < 300);
  return {
    url,
    calls,
    messages,
    to: (conversation, options = {}) =>
      messages().filter((c) =>
        options.exact ? c.conversation === conversation : c.conversation.split(";")[0] === conversation.split(";")[0],
      ),
    failNext: (when, failure) => failures.push({ when, failure }),
    addMember: (m) => {
      members.set(m.id, m);
    },
    failAlways: (when, failure) => lasting.push({ when, failure }),
    slowDown: (when, ms) => {
      slow = ms > 0 ? { when, ms } : null;
    },
    reset: () => {
      calls.length = 0;
      failures.length = 0;
      lasting.length = 0;
      slow = null;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}

function firstCard(body: Record<string, unknown>): Record<string, unknown> | undefined {
  const attachments = body.attachments as { contentType?: string; content?: Record<string, unknown> }[] | undefined;
  return attachments?.find((a) => a.contentType === "application/vnd.microsoft.card.adaptive")?.content;
}

async function readAll(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
