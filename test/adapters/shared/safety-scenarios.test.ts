import { afterEach, beforeEach, describe, it } from "vitest";
import { startSlackDriver } from "../slack/support/slack-driver.js";
import { startTeamsHarness } from "../teams/support/teams-harness.js";
import type { ChatDriver } from "./chat-driver.js";
import * as scenario from "./safety-scenarios.js";

/**
 * "No visit goes unwatched and no alarm goes unheard", in Slack and in Teams: each scenario drives
 * the real app only through the platform's own inbound HTTP (signed Slack requests, Teams Activity
 * JSON) and reads what the platform's API was sent. A fresh app and database per test.
 */
const platforms: [string, () => Promise<ChatDriver>][] = [
  ["slack", () => startSlackDriver()],
  ["teams", () => startTeamsHarness()],
];

describe.each(platforms)("in %s, the safety promises", (_platform, start) => {
  let d: ChatDriver;
  beforeEach(async () => {
    d = await start();
  });
  afterEach(async () => {
    await d?.close();
  });

  it("a visit nobody starts is asked about, then the office and the approver are told, then the ladder runs", () =>
    scenario.notStartedIsWatched(d));
  it("the code word raises the alarm however it is typed, in every state staff may be out in", () =>
    scenario.codeWordAsTypedInEveryStatus(d));
  it("cancelled at the door and still out, the code word raises an alarm someone can act on", () =>
    scenario.codeWordAfterDoorstepTimeout(d));
  it("the code word in a direct message is answered there as a check-in, and raises the alarm", () =>
    scenario.codeWordByDirectMessage(d));
  it("the code word typed under someone else's visit, or in an unknown thread with two visits today, counts on the sender's own", () =>
    scenario.codeWordInTheWrongThread(d));
  it("the alarm repeats until taken, comes back after the pause, and Staff are safe ends it on every card", () =>
    scenario.alarmRepeatsUntilTaken(d));
  it("a DSL on the visit can neither approve it nor take or end its alarm", () => scenario.pairCannotStandDown(d));
  it("status and list never show the pair a silent alarm, and show the office first", () => scenario.statusStaysSilent(d));
  it("every message from the pair gets an answer, unread words reach the office, and help me is an open alarm", () =>
    scenario.everyMessageGetsAnAnswer(d));
  it("leaving typed under the thread opener before the platform has answered its post still starts the visit", () =>
    scenario.leavingBeforeTheThreadIsKnown(d));
  it("a reply in a thread homevisit has no record of still counts for the sender's visit", () =>
    scenario.replyInStrayThreadCounts(d));
  it("one person's failing chat holds the ladder two minutes at most, and the office and DSL hear who was not reached", () =>
    scenario.stuckRecipientDoesNotHoldTheLadder(d));
  it("cancelling needs a reason, tells the office, updates the card, and stops a running visit's check-ins", () =>
    scenario.cancellationTellsAndStopsCheckIns(d));
});
