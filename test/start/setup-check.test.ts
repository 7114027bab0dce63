import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type SlackApiStub, startSlackApiStub } from "../adapters/slack/support/slack-api-stub.js";
import { SIGNING_SECRET } from "../adapters/slack/support/slack-requests.js";
import { killSpawned, spawnApp } from "../support/spawn-app.js";

/**
 * A school IT admin installs homevisit with a SCHOOL_FILE that cannot work with the policy: the
 * DSL has no Slack id (so nobody who approves, or is told of a code word, can be reached) and the
 * alerts channel is not set. Production must refuse to start and say what to fix; development
 * starts, and says so loudly.
 */
let stub: SlackApiStub;
beforeAll(async () => {
  stub = await startSlackApiStub();
});
afterAll(() => stub.close());
afterEach(() => killSpawned());

function brokenSchoolFile(): string {
  const demo = readFileSync("schools/demo.yaml", "utf8");
  const broken = demo
    .replace(/\n {4}slack: U0DSL0001/, "")
    .replace(/\n {4}slack: U0DEP0002/, "")
    .replace(/\n {4}slack: U0HEAD003/, "")
    .replace(/alerts: \{ slack: C0ALERTS01, /, "alerts: { ");
  expect(broken).not.toBe(demo);
  const file = join(mkdtempSync(join(tmpdir(), "hv-setup-")), "school.yaml");
  writeFileSync(file, broken);
  return file;
}

const env = (nodeEnv: string) => ({
  NODE_ENV: nodeEnv,
  DATA_DIR: join(mkdtempSync(join(tmpdir(), "hv-setup-")), "data"),
  SCHOOL_FILE: brokenSchoolFile(),
  SLACK_BOT_TOKEN: "xoxb-test",
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  SLACK_API_URL: stub.url,
  PUBLIC_URL: "https://homevisit.school.example",
});

describe("the policy checked against the school directory at start-up", () => {
  it("in production, refuses to start and names each thing to fix", async () => {
    const app = spawnApp(env("production"));
    const exit = await app.exit;
    expect(exit.code).not.toBe(0);
    const output = app.output();
    expect(output).toMatch(/Nobody with the role \\?"dsl\\?" \(Ada Okafor\) can be reached in slack: add their Slack member id/);
    expect(output).toMatch(/channels\.alerts\.slack is not set in SCHOOL_FILE/);
    expect(output).not.toMatch(/running on http/);
  });

  it("in development, starts and warns about each", async () => {
    const app = spawnApp(env("development"));
    await app.url;
    const output = app.output();
    expect(output).toMatch(/setup: Nobody with the role \\?"dsl\\?" \(Ada Okafor\) can be reached in slack/);
    expect(output).toMatch(/setup: channels\.alerts\.slack is not set in SCHOOL_FILE/);
  });
});
