import { afterEach, describe, it } from "vitest";
import { startSlackDriver } from "../slack/support/slack-driver.js";
import { startTeamsHarness } from "../teams/support/teams-harness.js";
import type { ChatDriver } from "./chat-driver.js";
import { dayOfVisits } from "./day-of-visits-scenario.js";

/**
 * A day of visits (several homes in one outing), through the platforms' own inbound HTTP (signed
 * Slack requests, Teams Activity JSON), under Heather Avenue's preset and its own numbers.
 */
const env = { POLICY_FILE: "policies/heather-avenue-infant.yaml" };
const platforms: [string, () => Promise<ChatDriver>][] = [
  ["slack", () => startSlackDriver({ env })],
  ["teams", () => startTeamsHarness({ env })],
];

describe.each(platforms)("in %s, Heather Avenue's day of Reception induction visits", (_platform, start) => {
  let d: ChatDriver | undefined;
  afterEach(async () => {
    await d?.close();
  });

  it("the whole plan to the approvers, the head and the office; doorstep, next, a missed check-in at stop 2, back with a stop skipped, one form per home", async () => {
    d = await start();
    await dayOfVisits(d);
  }, 180_000);
});
