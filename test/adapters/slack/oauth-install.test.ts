import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SLACK_BOT_SCOPES } from "../../../src/adapters/slack/slack-oauth.js";
import { BOT, type GrantedWorkspace } from "./support/slack-api-stub.js";
import { CHANNELS, OAUTH_ENV, PEOPLE, type SlackHarness, startSlackHarness } from "./support/slack-harness.js";
import { finishInstall as finishInstallIn, startInstall as startInstallIn } from "./support/slack-install.js";

// A fresh app and database per test: installations are the deployment's, and these tests move the clock.
let h: SlackHarness;
beforeEach(async () => {
  h = await startSlackHarness({ oauth: true });
});
afterEach(async () => {
  await h?.close();
});

const SCHOOL_ONE: GrantedWorkspace = {
  teamId: BOT.teamId,
  teamName: "Morecambe Road School",
  token: `xoxb-${BOT.teamId}-${randomUUID()}`,
  botUserId: "U0OAUTHBOT",
  botId: "B0OAUTHBOT",
  installer: "U0ITADMIN1",
};

const SCHOOL_TWO: GrantedWorkspace = {
  teamId: "T0SCHOOL2",
  teamName: "St Peter's",
  token: `xoxb-T0SCHOOL2-${randomUUID()}`,
  botUserId: "U0OAUTHBT2",
  botId: "B0OAUTHBT2",
  installer: "U0ITADMIN2",
};

const startInstall = () => startInstallIn(h);
const finishInstall = (workspace: GrantedWorkspace, options?: Parameters<typeof finishInstallIn>[2]) =>
  finishInstallIn(h, workspace, options);

const installationRows = () => h.app.db.query<Record<string, unknown>>(`SELECT * FROM "SlackInstallation" ORDER BY id`);

describe('"Add to Slack"', () => {
  it("GET /slack/install sends the admin to Slack's authorize page with the client id, the scopes and a state", async () => {
    const { response, location, state, cookie } = await startInstall();
    expect(response.status).toBe(302);
    expect(`${location.origin}${location.pathname}`).toBe("https://slack.com/oauth/v2/authorize");
    expect(location.searchParams.get("client_id")).toBe(OAUTH_ENV.SLACK_CLIENT_ID);
    expect(location.searchParams.get("scope")?.split(",").sort()).toEqual([...SLACK_BOT_SCOPES].sort());
    expect(location.searchParams.get("redirect_uri")).toMatch(/\/slack\/oauth_redirect$/);
    expect(state.length).toBeGreaterThan(20);
    // The same browser must come back: the state is also in a cookie.
    expect(cookie).toBe(`slack-app-oauth-state=${state}`);
  });

  it("the redirect exchanges the code on the Web API and keeps the installation with its token sealed", async () => {
    const { status, page, code } = await finishInstall(SCHOOL_ONE);
    expect(status).toBe(200);
    expect(page).toContain("homevisit is now installed in the Slack workspace <strong>Morecambe Road School</strong>");
    expect(page).toContain("/invite @homevisit");
    expect(page).toContain("/homevisit setup approvals");

    const exchange = h.stub.callsTo("oauth.v2.access");
    expect(exchange).toHaveLength(1);
    expect(exchange[0]?.params).toMatchObject({
      code,
      client_id: OAUTH_ENV.SLACK_CLIENT_ID,
      client_secret: OAUTH_ENV.SLACK_CLIENT_SECRET,
    });
    // The new token was checked (auth.test) against the same Web API.
    expect(h.stub.callsTo("auth.test").some((c) => c.authorization === `Bearer ${SCHOOL_ONE.token}`)).toBe(true);

    const rows = await installationRows();
    expect(rows).toHaveLength(1);
    const row = rows[0] as Record<string, unknown>;
    expect(row).toMatchObject({
      id: `team:${BOT.teamId}`,
      teamId: BOT.teamId,
      teamName: "Morecambe Road School",
      botUserId: SCHOOL_ONE.botUserId,
      botId: SCHOOL_ONE.botId,
      installerUserId: SCHOOL_ONE.installer,
      revokedAt: null,
    });
    expect(new Date(row.installedAt as string).toISOString()).toBe(h.app.clock.now().toISOString());
    // The raw row never holds the token, nor any part of it.
    const raw = JSON.stringify(row);
    expect(raw).not.toContain(SCHOOL_ONE.token);
    expect(raw).not.toContain(SCHOOL_ONE.token.slice(5));
    expect(String(row.botToken)).toMatch(/^v1\.[0-9a-f]{12}\./);
    expect(row.keyId).toBe(String(row.botToken).split(".")[1]);
  });

  it("a request from that workspace is answered with its own token, and the outbox posts with it too", async () => {
    await finishInstall(SCHOOL_ONE);
    await finishInstall(SCHOOL_TWO);
    h.stub.reset();

    // /homevisit: the form opens with this workspace's token.
    const view = await h.openRequestForm(PEOPLE.requester);
    expect(view.type).toBe("modal");
    expect(h.stub.callsTo("views.open")[0]?.authorization).toBe(`Bearer ${SCHOOL_ONE.token}`);

    // A word sent to the bot from the second workspace is answered with the second one's token.
    await h.slack.message(PEOPLE.second, "D0STAF006", "help", undefined, { team: SCHOOL_TWO.teamId });
    await h.settle();
    const answer = await h.stub.waitFor((c) => c.method === "chat.postMessage" && c.params.channel === "D0STAF006");
    expect(answer.authorization).toBe(`Bearer ${SCHOOL_TWO.token}`);

    // A delivery for a workspace posts with its token and remembers the workspace, so updates use it too.
    const ref = await h.adapter.delivery.post(
      { kind: "channel", channel: CHANNELS.approvals, mentions: [], workspace: SCHOOL_TWO.teamId },
      { text: "A card", blocks: [] },
    );
    expect(ref.team).toBe(SCHOOL_TWO.teamId);
    await h.adapter.delivery.update(ref, { text: "The card, updated", blocks: [] });
    expect(h.stub.callsTo("chat.update")[0]?.authorization).toBe(`Bearer ${SCHOOL_TWO.token}`);
  });

  it("a bad or missing state gets a page saying to start again, and nothing is exchanged or stored", async () => {
    const forged = await finishInstall(SCHOOL_ONE, { state: "forged.state.value" });
    const missing = await finishInstall(SCHOOL_ONE, { state: null });
    const otherBrowser = await finishInstall(SCHOOL_ONE, { cookie: null });
    for (const attempt of [forged, missing, otherBrowser]) {
      expect(attempt.status).toBe(400);
      expect(attempt.page).toContain("This installation link has expired or was started in another browser");
      expect(attempt.page).toContain('<a href="/slack/install">Start the installation again</a>');
      expect(attempt.page).toContain("Nothing was installed.");
    }
    expect(h.stub.callsTo("oauth.v2.access")).toHaveLength(0);
    expect(await installationRows()).toHaveLength(0);
  });

  it("a code Slack refuses gets a page saying so, and nothing is stored", async () => {
    const started = await startInstall();
    const response = await fetch(`${h.app.url}/slack/oauth_redirect?code=never-granted&state=${started.state}`, {
      headers: { cookie: started.cookie },
    });
    expect(response.status).toBe(502);
    expect(await response.text()).toMatch(/Slack did not complete the installation \(.*invalid_code.*\)/);
    expect(await installationRows()).toHaveLength(0);
  });

  it("/readyz says to install until a workspace has, then is ready", async () => {
    const before = await fetch(`${h.app.url}/readyz`);
    const reasons = ((await before.json()) as { reasons: string[] }).reasons;
    expect(reasons).toContain("slack: no workspace has installed homevisit yet: open http://localhost:0/slack/install");
    await finishInstall(SCHOOL_ONE);
    const after = (await (await fetch(`${h.app.url}/readyz`)).json()) as { reasons: string[] };
    expect(after.reasons.filter((r) => r.startsWith("slack:"))).toEqual([]);
  });
});

describe("uninstalling from Slack", () => {
  it("app_uninstalled deletes the token; later messages for that workspace fail at once, never call Slack, and say how to reinstall", async () => {
    await finishInstall(SCHOOL_ONE);
    const visit = await h.requestVisit();
    // Delivered with the installation's token; the card's ref names its workspace.
    expect(h.approvalCard(visit.id).authorization).toBe(`Bearer ${SCHOOL_ONE.token}`);
    await h.approve(visit.id);
    const started = await h.reply(PEOPLE.requester, visit.id, "leaving");
    expect(started.status).toBe("under_way");
    expect((await h.app.ctx.store.getMessageRef(visit.id, "slack", "thread"))?.team).toBe(BOT.teamId);

    h.app.clock.advanceMinutes(1);
    const removed = await h.slack.event({ type: "app_uninstalled", event_ts: String(Date.now() / 1000) });
    expect(removed.status).toBe(200);
    await h.settle();
    const [row] = await installationRows();
    expect(row?.botToken).toBeNull();
    expect(new Date(row?.revokedAt as string).toISOString()).toBe(h.app.clock.now().toISOString());
    const audit = await h.app.ctx.store.listAudit(null);
    expect(audit.find((entry) => entry.action === "slack_uninstalled")?.detail).toMatchObject({
      workspace: BOT.teamId,
      event: "app_uninstalled",
    });
    h.stub.reset();

    // The check-in prompt (10:18) and the missed check-in (10:25) both fall due.
    h.app.clock.advanceMinutes(17);
    await h.app.tick();
    h.app.clock.advanceMinutes(7);
    await h.app.tick();
    expect(h.stub.calls.filter((c) => c.method.startsWith("chat."))).toEqual([]);
    const undelivered = () =>
      h.app.db.query<{ id: string; state: string; lastError: string; attempts: number }>(
        `SELECT id, state, "lastError", attempts FROM "Outbox" WHERE "deliveredAt" IS NULL ORDER BY id`,
      );
    const rows = await undelivered();
    expect(rows.length).toBeGreaterThan(0);
    // Not retried every tick: the next try is minutes away.
    h.app.clock.advanceMinutes(1);
    await h.app.tick();
    expect((await undelivered()).map((r) => r.attempts)).toEqual(rows.map((r) => r.attempts));
    for (const outbox of rows) {
      expect(outbox.state).toBe("undeliverable");
      expect(outbox.lastError).toMatch(
        /^homevisit was removed from the Slack workspace Morecambe Road School \(T0SCHOOL1\) on .*; a workspace admin can reinstall it from http:\/\/localhost:0\/slack\/install$/,
      );
    }
    // And /readyz says what to do.
    const ready = (await (await fetch(`${h.app.url}/readyz`)).json()) as { reasons: string[] };
    expect(ready.reasons).toContain("slack: no workspace has installed homevisit yet: open http://localhost:0/slack/install");
  });

  it("tokens_revoked for the bot does the same; installing again makes the workspace work again", async () => {
    await finishInstall(SCHOOL_ONE);
    await h.slack.event({ type: "tokens_revoked", tokens: { bot: [SCHOOL_ONE.botUserId] }, event_ts: "1" });
    await h.settle();
    expect((await installationRows())[0]?.botToken).toBeNull();
    await expect(
      h.adapter.delivery.post({ kind: "dm", user: PEOPLE.requester, workspace: BOT.teamId }, { text: "hello", blocks: [] }),
    ).rejects.toMatchObject({ retryable: false, message: expect.stringMatching(/removed from the Slack workspace/) });

    const again = { ...SCHOOL_ONE, token: `xoxb-again-${randomUUID()}` };
    expect((await finishInstall(again)).status).toBe(200);
    const [row] = await installationRows();
    expect(row?.revokedAt).toBeNull();
    await h.adapter.delivery.post({ kind: "dm", user: PEOPLE.requester, workspace: BOT.teamId }, { text: "hello", blocks: [] });
    expect(h.stub.callsTo("chat.postMessage").at(-1)?.authorization).toBe(`Bearer ${again.token}`);
  });
});

describe("Add to Slack beside SLACK_BOT_TOKEN", () => {
  it("a workspace that has not installed is served by the single token; once it installs, by its own", async () => {
    await h.close();
    h = await startSlackHarness({ oauth: true, env: { SLACK_BOT_TOKEN: "xoxb-test" } });
    await h.openRequestForm(PEOPLE.requester);
    expect(h.stub.callsTo("views.open").at(-1)?.authorization).toBe("Bearer xoxb-test");
    const ready = (await (await fetch(`${h.app.url}/readyz`)).json()) as { reasons: string[] };
    expect(ready.reasons.filter((r) => r.startsWith("slack:"))).toEqual([]);

    await finishInstall(SCHOOL_ONE);
    await h.openRequestForm(PEOPLE.requester);
    expect(h.stub.callsTo("views.open").at(-1)?.authorization).toBe(`Bearer ${SCHOOL_ONE.token}`);
  });
});
