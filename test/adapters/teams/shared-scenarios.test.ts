import { afterAll, beforeAll, describe, it } from "vitest";
import * as scenario from "./support/scenarios.js";
import { CODE_WORD, startTeamsHarness, type TeamsHarness, validRequestValues } from "./support/teams-harness.js";

let h: TeamsHarness;
beforeAll(async () => {
  h = await startTeamsHarness();
});
afterAll(async () => {
  await h?.close();
});

const input = () => ({ validRequest: validRequestValues(), codeWord: CODE_WORD });

describe("in Teams, as on every platform", () => {
  it("a second approver is told the visit was already decided", () => scenario.approveTwice(h, input()));
  it("someone who is not an approver cannot decide, and nothing changes", () => scenario.nonApproverCannotDecide(h, input()));
  it("declining needs a reason, which reaches the card and the requester", () => scenario.declineNeedsAReason(h, input()));
  it("bad input comes back as errors under the fields", () => scenario.badInputShowsErrors(h, input()));
  it("the pair report leaving, ok and back in the visit's thread", () => scenario.threadWalkthrough(h, input()));
  it("someone not on the visit is told so, and ordinary chat is left alone", () => scenario.notOnTheVisit(h, input()));
  it("the code word looks like a check-in and sends the emergency pack to alerts", () =>
    scenario.codeWordRaisesSilentAlarm(h, input()));
});
