import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { messageText } from "./support/slack-driver.js";
import { CHANNELS, PEOPLE, type SlackHarness, startSlackHarness, validRequestValues } from "./support/slack-harness.js";

/**
 * What an approver sees on the card, between meetings, and what the pair are told once it is
 * decided: through signed Slack requests and what the Web API stub was sent.
 */
let h: SlackHarness;
beforeAll(async () => {
  h = await startSlackHarness();
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => h.stub.reset());

const cardText = (visitId: string) => messageText(h.approvalCard(visitId).params);

describe("the approval card", () => {
  it("shows why a visit is out of hours, and the responsible contact who checks on the staff", async () => {
    const visit = await h.requestVisit(
      validRequestValues({
        planned_start: "2026-11-24T16:30:00.000Z",
        expected_return: "2026-11-24T17:45:00.000Z",
        justification: "Mother works until 16:00 and cannot come in",
        contact_staff: "c.morgan",
        contact_mobile: "07700 900103",
      }),
    );
    const text = cardText(visit.id);
    expect(text).toMatch(/This visit is outside school hours/);
    expect(text).toMatch(/Why out of hours\W*Mother works until 16:00 and cannot come in/);
    expect(text).toMatch(/Responsible contact\W*Carys Morgan, 07700900103/);
  });

  it("says when an approver is on the visit, and refuses that approver", async () => {
    const visit = await h.requestVisit(validRequestValues({ second_staff: "b.hughes", second_mobile: "07700 900102" }));
    expect(cardText(visit.id)).toMatch(/Ben Hughes is on this visit, so another approver .* must decide/);
    await h.slack.click(PEOPLE.deputy, "visit_approve", visit.id, { channel: CHANNELS.approvals });
    await h.settle();
    expect(h.stub.callsTo("response_url").map((c) => messageText(c.params))).toEqual([
      "Another approver must decide: you are on this visit, and visits are authorised by someone else first.",
    ]);
    expect((await h.visit(visit.id)).status).toBe("requested");
  });

  it("warns when the same staff are already booked at that time", async () => {
    // A day no other test books, so the first visit has nothing to overlap with.
    const day = { planned_start: "2026-11-26T10:30:00.000Z", expected_return: "2026-11-26T11:30:00.000Z" };
    const first = await h.requestVisit(validRequestValues(day));
    const second = await h.requestVisit(
      validRequestValues({ ...day, pupil_name: "Alex Rowe", address: "3 Mill Lane, Salford M5 1AA" }),
    );
    expect(cardText(first.id)).not.toMatch(/already on home visit/);
    expect(cardText(second.id)).toMatch(new RegExp(`Erin Walsh is already on home visit ${first.id}, 10:30–11:30`));
    expect(cardText(second.id)).toMatch(new RegExp(`Filip Nowak is already on home visit ${first.id}`));
  });

  it("a police-accompaniment condition reaches both staff and the visit's thread", async () => {
    const visit = await h.requestVisit();
    await h.slack.click(PEOPLE.dsl, "visit_conditions", visit.id, { channel: CHANNELS.approvals, triggerId: "trigger-police" });
    const open = await h.stub.waitFor((c) => c.method === "views.open" && c.params.trigger_id === "trigger-police");
    await h.slack.submitView(PEOPLE.dsl, open.params.view as Record<string, unknown>, { police: true });
    await h.settle();
    const dms = (user: string) =>
      h.stub
        .callsTo("chat.postMessage")
        .filter((c) => c.params.channel === user)
        .map((c) => messageText(c.params))
        .join("\n");
    expect(dms(PEOPLE.requester)).toMatch(/approved with conditions[\s\S]*Conditions: police accompaniment/);
    expect(dms(PEOPLE.second)).toMatch(/approved on condition of police accompaniment: do not go in without the police/);
    const opener = h.stub.callsTo("chat.postMessage").find((c) => c.params.channel === CHANNELS.visits && !c.params.thread_ts);
    expect(messageText(opener?.params ?? {})).toMatch(/Condition: police accompaniment/);
  });
});

describe("names as people write them", () => {
  it.each(["𠮷田 花子", "Jamie 😀 Smith", "Zoë O'Neill-Ó Briain"])(
    "saves %j and shows only its initials in the visits channel",
    async (name) => {
      const visit = await h.requestVisit(validRequestValues({ pupil_name: name }));
      expect((await h.visit(visit.id)).request.pupil.name).toBe(name);
      await h.approve(visit.id);
      await h.settle();
      const opener = h.stub
        .callsTo("chat.postMessage")
        .find((c) => c.params.channel === CHANNELS.visits && c.content.includes(visit.id));
      expect(opener?.content).not.toContain(name);
      expect(messageText(opener?.params ?? {})).toMatch(new RegExp(`${visit.id} \\(\\S+\\)`));
    },
  );

  it("refuses a NUL byte with an error under the pupil's name, and saves nothing", async () => {
    const view = await h.openRequestForm();
    const before = (await h.app.ctx.store.listVisits({})).length;
    const reply = await h.slack.submitView(PEOPLE.requester, view, validRequestValues({ pupil_name: "Jamie\u0000Smith" }));
    const body = reply.json() as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe("errors");
    expect(body.errors.pupil_name).toMatch(/control character/);
    expect((await h.app.ctx.store.listVisits({})).length).toBe(before);
  });
});
