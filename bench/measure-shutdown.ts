/**
 * How long SIGTERM takes with Slack not answering at all (every Web API call left hanging) and
 * work in flight behind an acknowledged /homevisit: the compiled app as a separate process, the
 * default SHUTDOWN_SECONDS (10).   npx tsx bench/measure-shutdown.ts
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSlackApiStub } from "../test/adapters/slack/support/slack-api-stub.js";
import { PEOPLE } from "../test/adapters/slack/support/slack-harness.js";
import { SIGNING_SECRET, slackRequests } from "../test/adapters/slack/support/slack-requests.js";
import { spawnApp } from "../test/support/spawn-app.js";

export async function measureShutdown(log: (line: string) => void = console.log): Promise<number> {
  const stub = await startSlackApiStub();
  try {
    const app = spawnApp({
      DATA_DIR: join(mkdtempSync(join(tmpdir(), "hv-measure-")), "data"),
      SLACK_BOT_TOKEN: "xoxb-bench",
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: stub.url,
    });
    const url = await app.url;
    for (const method of ["chat.postMessage", "chat.postEphemeral", "views.open", "chat.update"]) stub.slowDown(method, "never");
    const slack = slackRequests(url, stub);
    await Promise.all(
      [PEOPLE.requester, PEOPLE.dsl, PEOPLE.head].map((user, i) => slack.command(user, "", { triggerId: `t${i}` })),
    );
    await stub.waitFor((c) => c.method === "views.open" && c.params.trigger_id === "t2");
    const signalled = Date.now();
    app.child.kill("SIGTERM");
    const exit = await app.exit;
    const seconds = (exit.at - signalled) / 1000;
    log(
      `SIGTERM with Slack not answering (3 views.open hanging): exit code ${exit.code} after ${seconds.toFixed(1)} s (limit: SHUTDOWN_SECONDS = 10)`,
    );
    return seconds;
  } finally {
    await stub.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await measureShutdown();
  process.exit(0);
}
