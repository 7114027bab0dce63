import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type SlackApiStub, startSlackApiStub } from "../adapters/slack/support/slack-api-stub.js";
import { PEOPLE } from "../adapters/slack/support/slack-harness.js";
import { SIGNING_SECRET, signatureHeaders, slackRequests } from "../adapters/slack/support/slack-requests.js";
import { holdRequest } from "../support/raw-http.js";
import { killSpawned, spawnApp } from "../support/spawn-app.js";

const SHUTDOWN_SECONDS = 4;
let stub: SlackApiStub;

beforeAll(async () => {
  stub = await startSlackApiStub();
});
afterAll(() => stub.close());
afterEach(() => {
  killSpawned();
  stub.reset();
});

const env = () => ({
  DATA_DIR: join(mkdtempSync(join(tmpdir(), "hv-stop-")), "data"),
  SLACK_BOT_TOKEN: "xoxb-test",
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  SLACK_API_URL: stub.url,
  SHUTDOWN_SECONDS: String(SHUTDOWN_SECONDS),
});

const form = (fields: Record<string, string>) => {
  const raw = new URLSearchParams(fields).toString();
  return { raw, headers: { "content-type": "application/x-www-form-urlencoded", ...signatureHeaders(raw) } };
};

function statusCommand(user: string): { raw: string; headers: Record<string, string> } {
  return form({
    command: "/homevisit",
    text: "status",
    user_id: user,
    channel_id: "C0GENERAL1",
    team_id: "T0SCHOOL1",
    response_url: stub.responseUrl(`status-${user}`),
    trigger_id: `trigger-${Math.random()}`,
  });
}

/** Whether any process of this group is still alive. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("SIGTERM while Slack does not answer", () => {
  it("answers the requests in flight, cuts a half-sent one, and exits 0 within SHUTDOWN_SECONDS", async () => {
    const app = spawnApp(env());
    const url = await app.url;
    const slack = slackRequests(url, stub);

    // The request form opens (views.open answered), then Slack stops answering: the next
    // /homevisit is acknowledged, and the work behind it waits on a views.open that never returns.
    await slack.command(PEOPLE.requester, "", { triggerId: "open-1" });
    const opened = await stub.waitFor((c) => c.method === "views.open");
    for (const method of ["chat.postMessage", "chat.postEphemeral", "views.open", "chat.update"]) stub.slowDown(method, "never");
    expect((await slack.command(PEOPLE.dsl, "", { triggerId: "open-2" })).status).toBe(200);
    await stub.waitFor((c) => c.method === "views.open" && c.params.trigger_id === "open-2");

    // In flight at the signal: 10 form submissions and 10 status commands, each short of its last byte.
    const submissions = Array.from({ length: 10 }, (_, i) => {
      const payload = JSON.stringify({
        type: "view_submission",
        team: { id: "T0SCHOOL1", domain: "school" },
        user: { id: PEOPLE.requester, username: "u", name: "u", team_id: "T0SCHOOL1" },
        api_app_id: "A0HOMEVISIT",
        trigger_id: `trigger-${i}`,
        view: {
          ...(opened.params.view as Record<string, unknown>),
          id: `VSUBMIT${i}`,
          state: { values: {} },
        },
      });
      const body = form({ payload });
      return holdRequest(url, "/slack/events", body.headers, body.raw);
    });
    const statuses = Array.from({ length: 10 }, () => {
      const body = statusCommand(PEOPLE.requester);
      return holdRequest(url, "/slack/events", body.headers, body.raw);
    });
    const halfSent = holdRequest(url, "/slack/events", { "content-type": "application/json" }, '{"never":"finished"}');
    await new Promise((resolve) => setTimeout(resolve, 300));

    const signalled = Date.now();
    app.child.kill("SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (const request of [...submissions, ...statuses]) request.finish();

    const answers = await Promise.all([...submissions, ...statuses].map((request) => request.answer));
    // Every request in flight got its whole answer (the form's field errors, the status), none a reset.
    expect(answers.filter((a) => !("status" in a) || a.status !== 200)).toEqual([]);
    expect(await halfSent.answer).toMatchObject({ error: expect.any(String) });

    const exit = await app.exit;
    expect(exit.code).toBe(0);
    expect(exit.at - signalled).toBeLessThanOrEqual(SHUTDOWN_SECONDS * 1000);
    expect(app.output()).toMatch(/SIGTERM received/);
    // Nothing was posted after the signal that would need a second copy to finish it.
    const lateStarts = stub.calls.filter((c) => c.method === "chat.postMessage" && (c.at ?? 0) > exit.at);
    expect(lateStarts).toEqual([]);
  }, 60_000);
});

describe("npm start, stopped as a group (as a supervisor or Ctrl-C does)", () => {
  it("leaves no process behind: node itself gets the signal and every process of the group is gone in time", async () => {
    const app = spawnApp(env(), { file: "npm", args: ["start", "--silent"], detached: true });
    await app.url;
    stub.slowDown("chat.postMessage", "never");
    const pgid = app.child.pid as number;
    // No shell in between: npm's child is node running the compiled app.
    const tree = execFileSync("ps", ["-o", "pid=,ppid=,args=", "-g", String(pgid)]).toString();
    expect(tree).not.toMatch(/\bsh -c\b/);
    expect(tree).toMatch(/node scripts\/start\.mjs/);

    const signalled = Date.now();
    process.kill(-pgid, "SIGTERM");
    while (groupAlive(pgid) && Date.now() - signalled < (SHUTDOWN_SECONDS + 5) * 1000)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(groupAlive(pgid)).toBe(false);
    expect(Date.now() - signalled).toBeLessThanOrEqual(SHUTDOWN_SECONDS * 1000 + 500);
  }, 60_000);
});
