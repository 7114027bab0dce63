import { createSign, generateKeyPairSync } from "node:crypto";
import nock from "nock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTeamsAdapter } from "../../../src/adapters/teams/teams-adapter.js";
import { loadConfig } from "../../../src/config/load-config.js";
import { HttpRoutes } from "../../../src/http/http-server.js";
import { startTestApp, type TestApp } from "../../support/test-app.js";
import { cardActionActivity, messageActivity, PEOPLE, personalChat, TENANT, teamInstallActivity } from "./support/activities.js";
import { type ConnectorStub, startConnectorStub } from "./support/connector-stub.js";

const CLIENT_ID = "2b7f9c1e-0000-4000-8000-0000000b0707";
let app: TestApp;
let stub: ConnectorStub;
const keyRequests: string[] = [];

beforeAll(async () => {
  stub = await startConnectorStub();
  // The SDK fetches Bot Framework signing keys on the first request that carries a token: an empty set.
  for (const host of ["https://login.botframework.com", "https://login.microsoftonline.com"])
    nock(host)
      .persist()
      .get(/.*/)
      .reply((uri) => {
        keyRequests.push(`${host}${uri}`);
        return uri.includes("openid") ? [200, { jwks_uri: `${host}/v1/.well-known/keys` }] : [200, { keys: [] }];
      });
  app = await startTestApp(
    { CLIENT_ID, CLIENT_SECRET: "not-a-real-secret", TENANT_ID: TENANT, TEAMS_SERVICE_URL: stub.url },
    { adapters: [createTeamsAdapter] },
  );
});
afterAll(async () => {
  await app?.close();
  await stub?.close();
  nock.cleanAll();
});

async function post(activity: unknown, authorization?: string) {
  const res = await fetch(`${app.url}/api/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
    body: JSON.stringify(activity),
  });
  return { status: res.status, body: await res.text() };
}

/** A token shaped like Bot Framework's, signed with a key Microsoft never published. */
function forgedToken(): string {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const head = b64({ alg: "RS256", typ: "JWT", kid: "forged-key" });
  const now = Math.floor(Date.now() / 1000);
  const body = b64({ iss: "https://api.botframework.com", aud: CLIENT_ID, serviceurl: stub.url, nbf: now - 60, exp: now + 3600 });
  const signature = createSign("RSA-SHA256").update(`${head}.${body}`).sign(privateKey).toString("base64url");
  return `${head}.${body}.${signature}`;
}

describe("with CLIENT_ID, CLIENT_SECRET and TENANT_ID set", () => {
  it("turns Teams on, authenticated", () => {
    expect(app.adapters.map((a) => a.platform)).toContain("teams");
  });

  it("a request without a valid Bot Framework token gets 401 and changes nothing", async () => {
    const form = messageActivity(stub.url, PEOPLE.requester, personalChat(PEOPLE.requester), "homevisit");
    const press = cardActionActivity(stub.url, PEOPLE.dsl, personalChat(PEOPLE.dsl), "1", "visit_submit", { pupil_name: "X" });
    const install = teamInstallActivity(stub.url, PEOPLE.head);

    for (const activity of [form, press, install]) {
      const missing = await post(activity);
      expect(missing.status).toBe(401);
      expect(missing.body).toContain("Missing authorization header");
      const forged = await post(activity, `Bearer ${forgedToken()}`);
      expect(forged.status).toBe(401);
      const junk = await post(activity, "Bearer not.a.jwt");
      expect(junk.status).toBe(401);
    }
    await app.flush();
    expect(stub.calls).toEqual([]);
    expect(await app.ctx.store.listVisits({})).toEqual([]);
    expect(await app.ctx.store.getChannelBinding("teams", "approvals")).toBeNull();
    expect(await app.ctx.store.getChannelBinding("teams", `user:${PEOPLE.requester.aad}`)).toBeNull();
    // Nothing but the key lookup left the machine (the token was checked, and failed).
    expect(keyRequests.every((url) => /login\.(botframework|microsoftonline)\.com/.test(url))).toBe(true);
  });
});

describe("without credentials", () => {
  const factoryWith = async (env: Record<string, string>, warnings: string[] = []) => {
    const routes = new HttpRoutes();
    const log = { info: () => {}, error: () => {}, warn: (message: string) => void warnings.push(message) };
    const adapter = await createTeamsAdapter({
      ctx: { ...app.ctx, log },
      routes,
      config: loadConfig({ NODE_ENV: "test", ...env }),
    });
    return { adapter, routes };
  };

  it("Teams is off: the factory returns null and adds no route", async () => {
    const { adapter, routes } = await factoryWith({});
    expect(adapter).toBeNull();
    expect(routes.find("POST", "/api/messages")).toBeUndefined();
  });

  it("TEAMS_ALLOW_UNAUTHENTICATED=true turns it on with a loud warning", async () => {
    const warnings: string[] = [];
    const { adapter, routes } = await factoryWith({ TEAMS_ALLOW_UNAUTHENTICATED: "true" }, warnings);
    expect(adapter?.platform).toBe("teams");
    expect(routes.find("POST", "/api/messages")).toBeDefined();
    expect(warnings.join("\n")).toMatch(/TEAMS_ALLOW_UNAUTHENTICATED=true.*WITHOUT a Bot Framework token/);
  });

  it("TEAMS_ALLOW_UNAUTHENTICATED=true is refused in production", () => {
    expect(() => loadConfig({ NODE_ENV: "production", TEAMS_ALLOW_UNAUTHENTICATED: "true" })).toThrow(/refused/);
  });
});
