import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  consoleUrl,
  createConsoleAdapter,
  isLoopbackAddress,
  isLoopbackHost,
  loopbackOnly,
  shouldServeConsole,
} from "../../../src/adapters/console/console-adapter.js";
import { ConsoleClock } from "../../../src/adapters/console/console-clock.js";
import type { ConsoleState } from "../../../src/adapters/console/console-view.js";
import { silentLogger } from "../../../src/app/app-context.js";
import { loadConfig } from "../../../src/config/load-config.js";
import { startApp } from "../../../src/start-app.js";
import { rawGet } from "../../support/raw-http.js";
import { startTestApp, type TestApp } from "../../support/test-app.js";
import { createTestDatabase } from "../../support/test-database.js";

const SLACK = { SLACK_BOT_TOKEN: "xoxb-test", SLACK_SIGNING_SECRET: "secret" };

async function state(app: { url: string }, as?: string): Promise<ConsoleState> {
  const res = await fetch(`${app.url}/console/state${as ? `?as=${as}` : ""}`);
  expect(res.status).toBe(200);
  return (await res.json()) as ConsoleState;
}

interface ActBody {
  ok: boolean;
  note?: string;
  form?: string;
  close?: boolean;
}

async function act(app: { url: string }, body: Record<string, unknown>): Promise<{ status: number; body: ActBody }> {
  const res = await fetch(`${app.url}/console/act`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as ActBody };
}

const request1030 = {
  pupil_name: "Jamie Lee Smith",
  address: "12 Example Road, Testtown TT1 1AA",
  purpose: "attendance",
  planned_start: "2026-11-24T10:30",
  duration: "45",
  expected_return: "2026-11-24T11:30",
  lead_mobile: "07700 900105",
  second_staff: "f.nowak",
  vehicle_make: "Ford",
  vehicle_model: "Fiesta",
  vehicle_colour: "Blue",
  vehicle_registration: "AB12 CDE",
  parents_told: "yes",
  code_word: "bluebird",
};

describe("the console over HTTP (CONSOLE=on, test clock)", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ CONSOLE: "on" }, { adapters: [createConsoleAdapter] });
  });
  afterAll(async () => {
    await app?.close();
  });

  it("serves the page at / and its state as JSON, acting as the first member of staff by default", async () => {
    const page = await fetch(`${app.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    const html = await page.text();
    expect(html).toContain("homevisit <span>console</span>");
    expect(html).toContain("Demo school: fictional staff and pupils");
    expect(html).toContain("Messages are kept until restart; visits and timers are in the database.");
    for (const channel of ["approvals", "visits", "alerts", "records"]) expect(html).toContain(`id="pane-${channel}"`);

    const s = await state(app);
    expect(s.as).toBe("e.walsh");
    expect(s.clock.text).toBe("Tue 24 Nov, 10:00:00");
    expect(s.clock.controllable).toBe(false); // the test's clock, not the console's
    expect(s.html?.people).toContain("Ada Okafor");
    expect(s.html?.people).toContain("DSL");
    expect(s.html?.controls).not.toContain("data-speed");
    expect((await state(app, "a.okafor")).as).toBe("a.okafor");
    expect((await state(app, "nobody")).as).toBe("e.walsh");

    const again = await fetch(`${app.url}/console/state?as=e.walsh&v=${encodeURIComponent(s.version)}`);
    expect(((await again.json()) as ConsoleState).html).toBeUndefined();
  });

  it("runs a request through the same use cases: form errors, the card, refusals, approval, the thread", async () => {
    const opened = await act(app, { type: "command", as: "e.walsh", text: "/homevisit" });
    expect(opened.body.form).toContain('data-form-id="visit_submit"');
    expect(opened.body.form).toContain('type="datetime-local"');
    expect(opened.body.form).toContain("as Erin Walsh");

    const invalid = await act(app, {
      type: "submit",
      as: "e.walsh",
      formId: "visit_submit",
      values: { ...request1030, pupil_name: "", vehicle_registration: "" },
    });
    expect(invalid.body.ok).toBe(false);
    expect(invalid.body.form).toMatch(/data-field="pupil_name"[\s\S]*class="field-error"/);
    expect(invalid.body.form).toContain(">12 Example Road, Testtown TT1 1AA</textarea>"); // kept
    expect(invalid.body.form).toContain('value="Fiesta"');

    const sent = await act(app, { type: "submit", as: "e.walsh", formId: "visit_submit", values: request1030 });
    expect(sent.body).toMatchObject({ ok: true, close: true });
    expect(sent.body.note).toMatch(/Sent for approval: home visit \*HV-\w+ \(J\.L\.S\.\)\*/);
    await app.flush();
    const visitId = /HV-\w+/.exec(sent.body.note ?? "")?.[0] ?? "";

    const asErin = await state(app, "e.walsh");
    expect(asErin.html?.approvals).toContain(`Home visit ${visitId}`);
    expect(asErin.html?.approvals).toContain("Jamie Lee Smith");
    expect(asErin.html?.approvals).toContain('data-action="visit_approve"');
    expect(asErin.html?.you).toContain("Sent for approval");
    const ts = /data-action="visit_approve" data-value="[^"]+" data-ts="([^"]+)"/.exec(asErin.html?.approvals ?? "")?.[1] ?? "";

    const refused = await act(app, { type: "button", as: "e.walsh", actionId: "visit_approve", value: visitId, ts });
    expect(refused.body.ok).toBe(false);
    expect(refused.body.note).toMatch(/Only .* can approve/);
    expect((await state(app, "e.walsh")).html?.approvals).toContain("Only visible to you");
    expect((await state(app, "a.okafor")).html?.approvals).not.toContain("Only visible to you");

    const decline = await act(app, { type: "button", as: "a.okafor", actionId: "visit_decline", value: visitId, ts });
    expect(decline.body.form).toContain('data-form-id="visit_decline_submit"');

    const approved = await act(app, { type: "button", as: "a.okafor", actionId: "visit_approve", value: visitId, ts });
    expect(approved.body.ok).toBe(true);
    await app.flush();
    const asAda = await state(app, "a.okafor");
    expect(asAda.html?.approvals).toContain("Approved</strong> by Ada Okafor");
    expect(asAda.html?.approvals).toContain("(edited");
    expect(asAda.html?.approvals).not.toContain('data-action="visit_approve"');
    expect(asAda.html?.visits).toContain(`${visitId} (J.L.S.)`);
    expect(asAda.html?.visits).not.toContain("Jamie Lee Smith");
    expect((await state(app, "e.walsh")).html?.you).toContain(`Your home visit ${visitId} (J.L.S.) was approved`);

    const threadTs = /<section class="thread" data-thread="([^"]+)"/.exec(asAda.html?.visits ?? "")?.[1] ?? "";
    const notOnVisit = await act(app, { type: "reply", as: "d.shah", threadTs, text: "ok" });
    expect(notOnVisit.body.ok).toBe(false);
    expect(notOnVisit.body.note).toContain("Only the staff on this visit can check in here.");

    expect((await act(app, { type: "reply", as: "e.walsh", threadTs, text: "leaving" })).body.ok).toBe(true);
    await app.flush();
    const visits = (await state(app, "e.walsh")).html?.visits ?? "";
    expect(visits).toMatch(/<span class="author">Erin Walsh<\/span>[\s\S]*leaving/);
    expect(visits).toMatch(/On your way\. Check in by 10:20/);
    expect((await app.ctx.store.getVisit(visitId))?.status).toBe("under_way");

    const status = await act(app, { type: "command", as: "e.walsh", text: "homevisit status" });
    expect(status.body.note).toContain(visitId);

    // The code word looks like a check-in in the thread, and raises the alarm in the alerts channel.
    app.clock.advanceMinutes(5);
    expect((await act(app, { type: "reply", as: "e.walsh", threadTs, text: "bluebird" })).body.ok).toBe(true);
    await app.flush();
    const asDev = await state(app, "d.shah");
    expect(asDev.html?.visits).toMatch(/Thanks, checked in at 10:05/);
    expect(asDev.html?.alerts).toContain("CODE WORD used by Erin Walsh");
    expect(asDev.html?.alerts).toContain('class="card tone-danger"');
    expect(asDev.html?.you).toContain("CODE WORD used by Erin Walsh");
    expect((await app.ctx.store.getVisit(visitId))?.progress.alarm?.kind).toBe("code_word");
    const alertTs =
      /data-action="escalation_safe" data-value="[^"]+" data-ts="([^"]+)"/.exec(asDev.html?.alerts ?? "")?.[1] ?? "";
    // "Staff are safe" asks how Dev knows before it stands anyone down.
    const safe = await act(app, { type: "button", as: "d.shah", actionId: "escalation_safe", value: visitId, ts: alertTs });
    expect(safe.body.form).toContain('data-form-id="escalation_safe_submit"');
    const stood = await act(app, {
      type: "submit",
      as: "d.shah",
      formId: "escalation_safe_submit",
      metadata: visitId,
      values: { how: "back_at_school" },
    });
    expect(stood.body.ok).toBe(true);
    await app.flush();
    expect((await app.ctx.store.getVisit(visitId))?.status).toBe("returned");
    const alerts = (await state(app, "d.shah")).html?.alerts ?? "";
    expect(alerts).toContain("Stand down: Dev Shah confirmed the staff on home visit");
    expect(alerts).toContain("(they are back at school)");
    // The alert card itself has been updated in place: no live button is left on it.
    expect(alerts).not.toContain('data-action="escalation_ack"');
    expect(alerts).not.toContain('data-action="escalation_safe"');
  });

  it("an approver asks for changes; the requester gets the form filled in and sends it again into the same visit", async () => {
    const sent = await act(app, {
      type: "submit",
      as: "e.walsh",
      formId: "visit_submit",
      values: { ...request1030, planned_start: "2026-11-24T13:30", expected_return: "2026-11-24T14:30", pupil_name: "Sam Jones" },
    });
    await app.flush();
    const visitId = /HV-\w+/.exec(sent.body.note ?? "")?.[0] ?? "";
    const tsOf = (html: string | undefined, action: string) =>
      new RegExp(`data-action="${action}" data-value="${visitId}" data-ts="([^"]+)"`).exec(html ?? "")?.[1] ?? "";
    const cardTs = tsOf((await state(app, "a.okafor")).html?.approvals, "visit_changes");
    const ask = await act(app, { type: "button", as: "a.okafor", actionId: "visit_changes", value: visitId, ts: cardTs });
    expect(ask.body.form).toContain('data-form-id="visit_changes_submit"');
    const asked = await act(app, {
      type: "submit",
      as: "a.okafor",
      formId: "visit_changes_submit",
      metadata: visitId,
      values: { note: "Add the pupil's MIS id" },
    });
    expect(asked.body.ok).toBe(true);
    await app.flush();
    const dmTs = tsOf((await state(app, "e.walsh")).html?.you, "visit_resubmit");
    expect(dmTs).not.toBe("");
    const form = await act(app, { type: "button", as: "e.walsh", actionId: "visit_resubmit", value: visitId, ts: dmTs });
    expect(form.body.form).toContain(`data-metadata="${visitId}"`);
    expect(form.body.form).toContain('value="Sam Jones"');
    expect(form.body.form).toContain('value="2026-11-24T13:30"'); // school time, not an ISO instant
    const again = await act(app, {
      type: "submit",
      as: "e.walsh",
      formId: "visit_submit",
      metadata: visitId,
      values: {
        ...request1030,
        planned_start: "2026-11-24T13:30",
        expected_return: "2026-11-24T14:30",
        pupil_name: "Sam Jones",
        pupil_mis: "A777",
        code_word: "",
      },
    });
    expect(again.body).toMatchObject({ ok: true, close: true });
    const visit = await app.ctx.store.getVisit(visitId);
    expect(visit?.status).toBe("requested");
    expect(visit?.request.pupil.misId).toBe("A777");
  });

  it("refuses to change this clock (it is the test's), and runs the timers on request", async () => {
    const speed = await act(app, { type: "speed", speed: 60 });
    expect(speed.status).toBe(409);
    const tick = await act(app, { type: "tick" });
    expect(tick.body.ok).toBe(true);
    expect(tick.body.note).toMatch(/^Timers run/);
  });

  it("takes commands only as JSON from its own page", async () => {
    const plain = await fetch(`${app.url}/console/act`, { method: "POST", body: JSON.stringify({ type: "tick" }) });
    expect(plain.status).toBe(415);
    const elsewhere = await fetch(`${app.url}/console/act`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: "https://evil.example" },
      body: JSON.stringify({ type: "tick" }),
    });
    expect(elsewhere.status).toBe(403);
    const unknown = await act(app, { type: "button", as: "not.staff", actionId: "visit_approve", value: "HV-X", ts: "1" });
    expect(unknown.status).toBe(400);
    expect(unknown.body.note).toContain("not in this school's homevisit staff directory");
  });
});

describe("the console's clock", () => {
  it("speeds up from the page when it is the app's clock, and never goes back", async () => {
    const db = await createTestDatabase();
    let real = Date.parse("2026-11-24T10:00:00Z");
    const clock = new ConsoleClock(true, () => real);
    const config = loadConfig({ PORT: "0", HOST: "127.0.0.1", NODE_ENV: "test", CONSOLE: "on" });
    const app = await startApp(config, {
      clock,
      log: silentLogger,
      tick: false,
      adapters: [createConsoleAdapter],
      store: db.store,
    });
    try {
      expect((await state(app)).html?.controls).toContain('data-speed="60"');
      expect((await act(app, { type: "speed", speed: 60 })).status).toBe(200);
      expect((await act(app, { type: "speed", speed: 7 })).status).toBe(400);
      real += 20_000; // 20 real seconds at 60× are 20 school minutes
      const s = await state(app);
      expect(s.clock.speed).toBe(60);
      expect(s.clock.text).toBe("Tue 24 Nov, 10:20:00");
      expect(s.html?.controls).toContain('aria-pressed="true">60×');
      expect((await act(app, { type: "speed", speed: 1 })).status).toBe(200);
      real += 60_000;
      expect((await state(app)).clock.text).toBe("Tue 24 Nov, 10:21:00");
      expect((await state(app)).clock.aheadMinutes).toBe(20); // 19 min 40 s, rounded
    } finally {
      await app.stop();
      await db.drop();
    }
  });

  it("cannot be sped up in production: the control is hidden and the command refused", async () => {
    const prod = await startTestApp(
      { CONSOLE: "on", NODE_ENV: "production", PUBLIC_URL: "https://homevisit.school.example" },
      { adapters: [createConsoleAdapter] },
    );
    try {
      const s = await state(prod);
      expect(s.clock.production).toBe(true);
      expect(s.clock.controllable).toBe(false);
      expect(s.html?.controls).not.toContain("data-speed");
      expect(s.html?.controls).toContain("cannot be changed in production");
      const refused = await act(prod, { type: "speed", speed: 60 });
      expect(refused.status).toBe(403);
      expect((await act(prod, { type: "skip_to_school_day" })).status).toBe(403);
    } finally {
      await prod.close();
    }
    const clock = new ConsoleClock(false);
    expect(() => clock.setSpeed(60)).toThrow(/production/);
  });
});

describe("when the console is served", () => {
  it("is on with no platform, or CONSOLE=on; off beside a platform unless asked for", () => {
    const config = (env: Record<string, string>) => loadConfig({ NODE_ENV: "test", ...env });
    expect(shouldServeConsole(config({}))).toBe(true);
    expect(shouldServeConsole(config({ CONSOLE: "off" }))).toBe(false);
    expect(shouldServeConsole(config(SLACK))).toBe(false);
    expect(shouldServeConsole(config({ ...SLACK, CONSOLE: "on" }))).toBe(true);
    expect(shouldServeConsole(config({ TEAMS_ALLOW_UNAUTHENTICATED: "true" }))).toBe(false);
    // It lets whoever reaches it act as anyone in the school: this machine only, unless asked.
    expect(loopbackOnly(config({}))).toBe(true);
    expect(loopbackOnly(config({ ...SLACK, CONSOLE: "on" }))).toBe(true);
    expect(loopbackOnly(config({ CONSOLE_REMOTE: "true" }))).toBe(false);
    expect(() => config({ NODE_ENV: "production", PUBLIC_URL: "https://hv.example", CONSOLE_REMOTE: "true" })).toThrow(
      /CONSOLE_REMOTE=true is refused/,
    );
  });

  it("knows loopback addresses and hosts", () => {
    for (const address of ["127.0.0.1", "::1", "::ffff:127.0.0.1"]) expect(isLoopbackAddress(address)).toBe(true);
    for (const address of ["10.0.0.5", "192.168.1.2", "::ffff:10.0.0.5", "0.0.0.0", "", undefined])
      expect(isLoopbackAddress(address)).toBe(false);
    for (const host of ["localhost:3978", "127.0.0.1:3978", "[::1]:3978", "localhost"]) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ["evil.example", "localhost.evil.example:3978", "10.0.0.5:3978", undefined])
      expect(isLoopbackHost(host)).toBe(false);
    expect(consoleUrl("http://127.0.0.1:3978")).toBe("http://localhost:3978/");
  });

  it("exposes nothing when Slack is configured and CONSOLE is not set", async () => {
    const slackApp = await startTestApp(SLACK, { adapters: [createConsoleAdapter] });
    try {
      expect(slackApp.adapters).toHaveLength(0);
      expect((await fetch(`${slackApp.url}/`)).status).toBe(404);
      expect((await fetch(`${slackApp.url}/console/state`)).status).toBe(404);
      const post = await fetch(`${slackApp.url}/console/act`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      expect(post.status).toBe(404);
    } finally {
      await slackApp.close();
    }
  });

  it("with no platform and HOST=0.0.0.0, refuses a request for another host name (the network)", async () => {
    const alone = await startTestApp({ HOST: "0.0.0.0" }, { adapters: [createConsoleAdapter] });
    try {
      const port = new URL(alone.url).port;
      expect(await rawGet(`${alone.url}/console/state`, { host: `localhost:${port}` })).toBe(200);
      expect(await rawGet(`${alone.url}/console/state`, { host: `10.0.0.5:${port}` })).toBe(403);
    } finally {
      await alone.close();
    }
  });

  it("beside Slack with CONSOLE=on, answers this machine only", async () => {
    const both = await startTestApp({ ...SLACK, CONSOLE: "on" }, { adapters: [createConsoleAdapter] });
    try {
      expect((await fetch(`${both.url}/`)).status).toBe(200);
      const port = new URL(both.url).port;
      expect(await rawGet(`${both.url}/console/state`, { host: `localhost:${port}` })).toBe(200);
      // A name that resolves here but is not this machine's (DNS rebinding) is refused.
      expect(await rawGet(`${both.url}/console/state`, { host: `homevisit.evil.example:${port}` })).toBe(403);
    } finally {
      await both.close();
    }
  });
});
