import { createSign, generateKeyPairSync } from "node:crypto";
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import nock from "nock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTeamsAdapter } from "../../../src/adapters/teams/teams-adapter.js";
import { loadConfig } from "../../../src/config/load-config.js";
import { HttpRoutes } from "../../../src/http/http-server.js";
import { startTestApp, type TestApp } from "../../support/test-app.js";
import { cardActionActivity, messageActivity, PEOPLE, personalChat, TENANT, teamInstallActivity } from "./support/activities.js";
import { type ConnectorStub, startConnectorStub } from "./support/connector-stub.js";

const CLIENT_ID = "2b7f9c1e-0000-4000-8000-0000000b0707";
const BOT_FRAMEWORK = "https://login.botframework.com";
const ENTRA = "https://login.microsoftonline.com";
/** Another tenant, whose token endpoint refuses the secret. */
const BAD_TENANT = "0bad0bad-0000-4000-8000-00000000dead";
let app: TestApp;
let stub: ConnectorStub;
const keyRequests: string[] = [];
const tokenRequests: { tenant: string; body: string }[] = [];
/** The test issuer's signing key, published in its JWKS as Bot Framework publishes its own. */
let issuerKey: Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];
/** What Entra hands the bot (a JWT: the SDK reads its expiry). */
let botToken: string;
let jwks: { keys: JWK[] };

beforeAll(async () => {
  stub = await startConnectorStub();
  const pair = await generateKeyPair("RS256");
  issuerKey = pair.privateKey;
  jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: "test-issuer-key", use: "sig", alg: "RS256" }] };
  botToken = await new SignJWT({ appid: CLIENT_ID })
    .setProtectedHeader({ alg: "RS256", kid: "entra-key" })
    .setIssuer(`https://sts.windows.net/${TENANT}/`)
    .setAudience("https://api.botframework.com")
    .setExpirationTime("1h")
    .sign((await generateKeyPair("RS256")).privateKey);
  // The network edge: Bot Framework's OpenID metadata and keys, and Entra's token endpoint (client
  // credentials) and metadata, all answered here; nothing leaves the machine.
  nock(BOT_FRAMEWORK)
    .persist()
    .get(/.*/)
    .reply((uri) => {
      keyRequests.push(`${BOT_FRAMEWORK}${uri}`);
      return uri.includes("openid")
        ? [200, { issuer: "https://api.botframework.com", jwks_uri: `${BOT_FRAMEWORK}/v1/.well-known/keys` }]
        : [200, jwks];
    });
  nock(ENTRA)
    .persist()
    .get(/.*/)
    .reply((uri) => {
      keyRequests.push(`${ENTRA}${uri}`);
      const tenant = /^\/([^/]+)\//.exec(uri)?.[1] ?? "common";
      if (uri.includes("discovery/instance"))
        return [
          200,
          {
            tenant_discovery_endpoint: `${ENTRA}/${tenant}/v2.0/.well-known/openid-configuration`,
            "api-version": "1.1",
            metadata: [],
          },
        ];
      if (uri.includes("openid-configuration"))
        return [
          200,
          {
            token_endpoint: `${ENTRA}/${tenant}/oauth2/v2.0/token`,
            authorization_endpoint: `${ENTRA}/${tenant}/oauth2/v2.0/authorize`,
            issuer: `${ENTRA}/${tenant}/v2.0`,
            jwks_uri: `${ENTRA}/${tenant}/discovery/v2.0/keys`,
            end_session_endpoint: `${ENTRA}/${tenant}/oauth2/v2.0/logout`,
          },
        ];
      return [200, { keys: [] }];
    })
    .post(/\/oauth2\/v2\.0\/token(\?|$)/)
    .reply((uri, body) => {
      const tenant = /^\/([^/]+)\//.exec(uri)?.[1] ?? "";
      tokenRequests.push({ tenant, body: String(typeof body === "string" ? body : JSON.stringify(body)) });
      if (tenant === BAD_TENANT)
        return [401, { error: "invalid_client", error_description: "AADSTS7000215: Invalid client secret provided." }];
      return [200, { token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: botToken }];
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

/** A token as Bot Framework's channel service signs them, here by the test issuer (or as told). */
async function channelToken(
  overrides: {
    key?: typeof issuerKey;
    kid?: string;
    audience?: string;
    issuer?: string;
    expiresAt?: number;
    serviceUrl?: string;
  } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ serviceurl: overrides.serviceUrl ?? stub.url })
    .setProtectedHeader({ alg: "RS256", kid: overrides.kid ?? "test-issuer-key", typ: "JWT" })
    .setIssuer(overrides.issuer ?? "https://api.botframework.com")
    .setAudience(overrides.audience ?? CLIENT_ID)
    .setNotBefore(now - 60)
    .setIssuedAt(now - 60)
    .setExpirationTime(overrides.expiresAt ?? now + 3600)
    .sign(overrides.key ?? issuerKey);
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

describe("authenticated end to end: a token signed by the (test) issuer", () => {
  it("is accepted; the bot answers with a bot token it got once from Entra (client credentials) and reuses", async () => {
    expect(tokenRequests.filter((r) => r.tenant === TENANT)).toHaveLength(1); // at start-up
    const first = await post(
      messageActivity(stub.url, PEOPLE.requester, personalChat(PEOPLE.requester), "homevisit"),
      `Bearer ${await channelToken()}`,
    );
    expect(first.status).toBe(200);
    const again = await post(
      messageActivity(stub.url, PEOPLE.dsl, personalChat(PEOPLE.dsl), "homevisit help"),
      `Bearer ${await channelToken()}`,
    );
    expect(again.status).toBe(200);
    await app.flush();
    const sent = stub.calls.filter((call) => call.status < 300);
    expect(sent.length).toBeGreaterThanOrEqual(2);
    expect(new Set(sent.map((call) => call.authorization))).toEqual(new Set([`Bearer ${botToken}`]));
    const request = tokenRequests.find((r) => r.tenant === TENANT);
    expect(request?.body).toMatch(/grant_type=client_credentials/);
    expect(decodeURIComponent(request?.body ?? "")).toContain("https://api.botframework.com/.default");
    // Cached: the start-up token served every call since.
    expect(tokenRequests.filter((r) => r.tenant === TENANT)).toHaveLength(1);
    expect((await fetch(`${app.url}/readyz`)).status).not.toBe(503);
  });

  it.each([
    [
      "signed with another key under the same key id",
      async () => channelToken({ key: (await generateKeyPair("RS256")).privateKey }),
    ],
    ["for another audience", () => channelToken({ audience: "11111111-2222-4333-8444-555555555555" })],
    ["expired (beyond the 5 minutes' tolerance)", () => channelToken({ expiresAt: Math.floor(Date.now() / 1000) - 600 })],
    ["from another issuer", () => channelToken({ issuer: "https://evil.example" })],
    ["for another service URL", () => channelToken({ serviceUrl: "https://smba.evil.example/" })],
  ])("is refused with 401 when %s, and nothing happens", async (_name, token) => {
    const before = stub.calls.length;
    const refused = await post(
      messageActivity(stub.url, PEOPLE.requester, personalChat(PEOPLE.requester), "homevisit"),
      `Bearer ${await token()}`,
    );
    expect(refused.status).toBe(401);
    await app.flush();
    expect(stub.calls.length).toBe(before);
  });
});

describe("a secret Entra refuses", () => {
  it("is said at start-up, in the log and on /readyz", async () => {
    const bad = await startTestApp(
      { CLIENT_ID, CLIENT_SECRET: "wrong-secret", TENANT_ID: BAD_TENANT, TEAMS_SERVICE_URL: stub.url },
      { adapters: [createTeamsAdapter] },
    );
    try {
      await bad.tick();
      const ready = await fetch(`${bad.url}/readyz`);
      expect(ready.status).toBe(503);
      const { reasons } = (await ready.json()) as { reasons: string[] };
      expect(reasons.join("\n")).toMatch(
        /^teams: could not get a bot token from Microsoft Entra \(.*\): check CLIENT_ID, CLIENT_SECRET and TENANT_ID/m,
      );
    } finally {
      await bad.close();
    }
  });
});

describe("with CLIENT_ID, CLIENT_SECRET and TENANT_ID set", () => {
  it("turns Teams on, authenticated", () => {
    expect(app.adapters.map((a) => a.platform)).toContain("teams");
  });

  it("a request without a valid Bot Framework token gets 401 and changes nothing", async () => {
    const form = messageActivity(stub.url, PEOPLE.requester, personalChat(PEOPLE.requester), "homevisit");
    const press = cardActionActivity(stub.url, PEOPLE.dsl, personalChat(PEOPLE.dsl), "1", "visit_submit", { pupil_name: "X" });
    const install = teamInstallActivity(stub.url, PEOPLE.head);
    const callsBefore = stub.calls.length;
    const bindingsBefore = await app.ctx.store.getChannelBinding("teams", `user:${PEOPLE.requester.aad}`);

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
    expect(stub.calls.length).toBe(callsBefore);
    expect(await app.ctx.store.listVisits({})).toEqual([]);
    expect(await app.ctx.store.getChannelBinding("teams", "approvals")).toBeNull();
    expect(await app.ctx.store.getChannelBinding("teams", `user:${PEOPLE.requester.aad}`)).toEqual(bindingsBefore);
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
