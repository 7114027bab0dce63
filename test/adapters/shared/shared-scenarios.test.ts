import { afterEach, beforeEach, describe, it } from "vitest";
import { startSlackDriver } from "../slack/support/slack-driver.js";
import { startTeamsHarness } from "../teams/support/teams-harness.js";
import type { ChatDriver } from "./chat-driver.js";
import * as scenario from "./scenarios.js";
import { CODE_WORD, validRequestValues } from "./visit-request.js";

/**
 * The behaviour Slack and Teams share, run on both: each scenario drives the real app only through
 * the platform's own inbound HTTP and reads what the platform's API was sent. A fresh app and
 * database per test: scenarios move the clock and tick, and no other visit's timers may fire in them.
 */
const platforms: [string, () => Promise<ChatDriver>][] = [
  ["slack", () => startSlackDriver()],
  ["teams", () => startTeamsHarness()],
];

describe.each(platforms)("in %s, as on every platform", (_platform, start) => {
  let d: ChatDriver;
  beforeEach(async () => {
    d = await start();
  });
  afterEach(async () => {
    await d?.close();
  });
  const input = () => ({ validRequest: validRequestValues(), codeWord: CODE_WORD });

  it("a visit runs from request to the Home Visit Form: approval, thread, escalation, back, record", () =>
    scenario.wholeVisit(d, input()));
  it("a second approver is told the visit was already decided", () => scenario.approveTwice(d, input()));
  it("two approvers pressing at once make one decision", () => scenario.approveAtOnce(d, input()));
  it("someone who is not an approver cannot decide, and nothing changes", () => scenario.nonApproverCannotDecide(d, input()));
  it("declining needs a reason, which reaches the card and the requester", () => scenario.declineNeedsAReason(d, input()));
  it("bad input comes back as errors under the fields", () => scenario.badInputShowsErrors(d, input()));
  it("the pair report leaving, ok and back in the visit's thread", () => scenario.threadWalkthrough(d, input()));
  it("someone not on the visit is told so, and ordinary chat is left alone", () => scenario.notOnTheVisit(d, input()));
  it("the code word looks like a check-in and sends the emergency pack to alerts, never to the pair", () =>
    scenario.codeWordRaisesSilentAlarm(d, input()));
  it("the pupil's name and address never reach the visits channel or the visit's thread", () =>
    scenario.pupilStaysOutOfVisitsChannel(d, input()));
  // Fails today: see replyWordsAfterCodeWordLookOrdinary. Make it an ordinary `it` once src is fixed.
  it("after the code word, other reply words are answered without giving the alarm away", () =>
    scenario.replyWordsAfterCodeWordLookOrdinary(d, input()));
});
