import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validRequestValues } from "../shared/visit-request.js";
import { CHANNELS } from "./support/activities.js";
import { startTeamsHarness, type TeamsHarness } from "./support/teams-harness.js";

/**
 * "Never tell a user something was delivered before it was": the records channel answers 404
 * (the bot was removed from it). The person who sent the form is told it is saved and on its way,
 * never that it is in the channel; the form is kept until the channel works again.
 */
let h: TeamsHarness;
beforeAll(async () => {
  h = await startTeamsHarness();
});
afterAll(async () => {
  await h?.close();
});

describe("a Home Visit Form while the records channel fails", () => {
  it("is said to be on its way, not delivered, and is posted once the channel works", async () => {
    const visit = await h.requestVisit(validRequestValues());
    expect((await h.press("dsl", "visit_approve", visit.id)).accepted).toBe(true);
    for (const word of ["leaving", "arrived", "in", "left", "back"]) await h.reply("requester", visit.id, word);
    const toRecords = (call: { method: string; conversation: string }) =>
      call.method === "POST" && call.conversation.split(";")[0] === CHANNELS.records;
    h.stub.failAlways(toRecords, {
      status: 404,
      body: { error: { code: "ConversationNotFound", message: "Conversation not found." } },
    });

    const sent = await h.submitRecord("requester", visit.id, {
      present: "Mother",
      child_seen: "yes",
      safe_and_well: "yes",
      discussed: "Attendance since half term",
    });
    expect(sent.saved).toBe(true);
    expect(sent.text).toMatch(/saved\. It is being posted to the (restricted )?records channel/);
    expect(sent.text).not.toMatch(/is in the records channel|posted to the records channel\./);
    expect(await h.delivered("records")).toEqual([]);
    expect((await h.visit(visit.id)).hasRecord).toBe(true);

    h.stub.reset();
    await h.advance(10);
    expect((await h.delivered("records")).join("\n")).toMatch(/Attendance since half term/);
  });
});
