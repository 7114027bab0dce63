import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConsoleAdapter } from "../../src/adapters/console/console-adapter.js";
import { createSlackAdapter } from "../../src/adapters/slack/slack-adapter.js";
import { createTeamsAdapter } from "../../src/adapters/teams/teams-adapter.js";
import { type SlackApiStub, startSlackApiStub } from "../adapters/slack/support/slack-api-stub.js";
import { SIGNING_SECRET, signatureHeaders } from "../adapters/slack/support/slack-requests.js";
import { type ConnectorStub, startConnectorStub } from "../adapters/teams/support/connector-stub.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

let app: TestApp;
let slack: SlackApiStub;
let teams: ConnectorStub;
const crashes: unknown[] = [];
const onCrash = (error: unknown) => crashes.push(error);

beforeAll(async () => {
  process.on("unhandledRejection", onCrash);
  process.on("uncaughtException", onCrash);
  slack = await startSlackApiStub();
  teams = await startConnectorStub();
  app = await startTestApp(
    {
      SLACK_BOT_TOKEN: "xoxb-test",
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.url,
      TEAMS_ALLOW_UNAUTHENTICATED: "true",
      TEAMS_SERVICE_URL: teams.url,
      CONSOLE: "on",
    },
    { adapters: [createConsoleAdapter, createSlackAdapter, createTeamsAdapter] },
  );
});
afterAll(async () => {
  await app?.close();
  await slack?.close();
  await teams?.close();
  process.off("unhandledRejection", onCrash);
  process.off("uncaughtException", onCrash);
});

type Body = string | Buffer;
const JSON_TYPE = "application/json";
const FORM_TYPE = "application/x-www-form-urlencoded";

/** Odd and malformed bodies, each with the content types it is sent as. */
const BODIES: { name: string; body: Body; types: string[] }[] = [
  { name: "null", body: "null", types: [JSON_TYPE, FORM_TYPE] },
  { name: "an array", body: "[]", types: [JSON_TYPE] },
  { name: "an array of nulls", body: "[null,null]", types: [JSON_TYPE] },
  { name: "a number", body: "1", types: [JSON_TYPE] },
  { name: "a string", body: '"x"', types: [JSON_TYPE] },
  { name: "an empty object", body: "{}", types: [JSON_TYPE, FORM_TYPE] },
  { name: "empty", body: "", types: [JSON_TYPE, FORM_TYPE, "text/plain"] },
  { name: "truncated JSON", body: '{"type":"event_callback","event":{"type":"mess', types: [JSON_TYPE] },
  { name: "non-UTF-8 bytes", body: Buffer.from([0xff, 0xfe, 0xfd, 0x00, 0xc3, 0x28]), types: [JSON_TYPE, FORM_TYPE] },
  { name: "payload=null", body: "payload=null", types: [FORM_TYPE] },
  { name: "payload=[]", body: "payload=%5B%5D", types: [FORM_TYPE] },
  { name: "payload truncated", body: "payload=%7B%22type%22%3A", types: [FORM_TYPE] },
  { name: "two payloads", body: "payload=%7B%7D&payload=%7B%7D", types: [FORM_TYPE] },
  { name: "an event with no event", body: '{"type":"event_callback","event":null}', types: [JSON_TYPE] },
  {
    name: "an event of the wrong shape",
    body: '{"type":"event_callback","event":{"type":"message","text":5,"channel":[]}}',
    types: [JSON_TYPE],
  },
  { name: "a block action with nothing", body: 'payload={"type":"block_actions"}', types: [FORM_TYPE] },
  { name: "a view submission with nothing", body: 'payload={"type":"view_submission","view":null}', types: [FORM_TYPE] },
  { name: "a command with no user", body: "command=%2Fhomevisit&text=status", types: [FORM_TYPE] },
  { name: "an activity with no sender", body: '{"type":"message","text":"homevisit"}', types: [JSON_TYPE] },
  { name: "an invoke with nothing", body: '{"type":"invoke","name":"adaptiveCard/action","value":null}', types: [JSON_TYPE] },
  {
    name: "a console command of the wrong types",
    body: '{"type":"reply","as":["x"],"threadTs":{},"text":null}',
    types: [JSON_TYPE],
  },
  { name: "XML", body: "<xml><a>1</a></xml>", types: ["application/xml"] },
  {
    name: "multipart",
    body: "--b\r\ncontent-disposition: form-data; name=x\r\n\r\n1\r\n--b--",
    types: ["multipart/form-data; boundary=b"],
  },
  { name: "5 MB of JSON", body: `{"text":"${"a".repeat(5 * 1024 * 1024)}"}`, types: [JSON_TYPE] },
];

const ROUTES = [
  { method: "POST", path: "/slack/events", signed: true },
  { method: "POST", path: "/slack/events", signed: false },
  { method: "POST", path: "/api/messages", signed: false },
  { method: "POST", path: "/console/act", signed: false },
  { method: "POST", path: "/downloads/not-a-link", signed: false },
  { method: "GET", path: "/downloads/%00%ff/../../etc/passwd", signed: false },
  { method: "POST", path: "/readyz", signed: false },
  { method: "POST", path: "/metrics", signed: false },
];

/** The status, or "reset" when the server closed the connection before reading all of a huge body (as HTTP allows). */
async function send(route: (typeof ROUTES)[number], body: Body, type: string): Promise<number | "reset"> {
  const raw = typeof body === "string" ? body : body.toString("latin1");
  const headers: Record<string, string> = { "content-type": type, ...(route.signed ? signatureHeaders(raw) : {}) };
  if (route.signed && typeof body !== "string") Object.assign(headers, signatureHeaders(body.toString("utf8")));
  try {
    const res = await fetch(`${app.url}${route.path}`, {
      method: route.method,
      headers,
      ...(route.method === "GET" ? {} : { body }),
      signal: AbortSignal.timeout(10_000),
    });
    await res.arrayBuffer();
    return res.status;
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code;
    if (code === "ECONNRESET" || code === "EPIPE" || code === "UND_ERR_SOCKET") return "reset";
    throw new Error(`${route.method} ${route.path} (${type}): ${String(error)}`);
  }
}

describe("one bad request never stops the bot", () => {
  it("a correctly signed /slack/events with the JSON body null, or the form payload=null, gets 400", async () => {
    const route = ROUTES[0] as (typeof ROUTES)[number];
    expect(await send(route, "null", JSON_TYPE)).toBe(400);
    expect(await send(route, "payload=null", FORM_TYPE)).toBe(400);
    expect(crashes).toEqual([]);
  });

  it("every route, malformed and odd bodies of every kind: answered below 500, and the process keeps answering", async () => {
    const answers: string[] = [];
    for (const route of ROUTES)
      for (const { name, body, types } of BODIES)
        for (const type of types) {
          const status = await send(route, body, type);
          if (status === "reset" && body.length < 1024 * 1024) answers.push(`${route.path}, ${name}: connection reset`);
          if (typeof status === "number" && status >= 500)
            answers.push(`${route.method} ${route.path}${route.signed ? " (signed)" : ""}, ${name} as ${type}: ${status}`);
          expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
        }
    await app.flush();
    expect(answers).toEqual([]);
    expect(crashes).toEqual([]);
    expect((await fetch(`${app.url}/readyz`)).status).toBeLessThan(600);
    expect((await fetch(`${app.url}/metrics`)).status).toBe(200);
  }, 120_000);
});
