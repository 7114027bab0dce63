import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHANNELS, PEOPLE, thread } from "./support/activities.js";
import {
  CODE_WORD,
  errorsOnCard,
  PUPIL,
  readPress,
  startTeamsHarness,
  type TeamsHarness,
  toCardInputs,
  validRequestValues,
} from "./support/teams-harness.js";

let h: TeamsHarness;
beforeAll(async () => {
  h = await startTeamsHarness();
});
afterAll(async () => {
  await h?.close();
});

const json = (value: unknown) => JSON.stringify(value);

describe("the request form card", () => {
  it("comes back with each error under its field, the values kept and the code word never echoed", async () => {
    const form = await h.openForm(PEOPLE.requester);
    const before = (await h.app.ctx.store.listVisits({})).length;
    const res = await h.invoke(PEOPLE.requester, form.conversation, form.messageId, "visit_submit", {
      ...toCardInputs(validRequestValues({ lead_mobile: "12345", planned_start: undefined })),
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ statusCode: 200, type: "application/vnd.microsoft.card.adaptive" });
    const card = res.body.value;
    const errors = errorsOnCard(card);
    expect(errors.lead_mobile).toMatch(/mobile number like 07700 900123/i);
    expect(errors.planned_start).toMatch(/date and time/);
    expect(errors.code_word).toMatch(/Type your code word again/);
    // Errors are TextBlocks in the attention colour, right under their input.
    expect(json(card)).toContain(`"id":"lead_mobile_error","text":"${errors.lead_mobile}","color":"Attention"`);
    // What Erin typed is still there, except the code word.
    expect(json(card)).toContain(`"value":"${PUPIL.address}"`);
    expect(json(card)).toContain(`"value":"12345"`);
    expect(json(card)).toContain(
      `"id":"expected_return_time","label":"time","isRequired":false,"errorMessage":"Or: back at school by: choose a time","value":"11:30"`,
    );
    expect(json(card)).not.toContain(CODE_WORD);
    expect((await h.app.ctx.store.listVisits({})).length).toBe(before);
  });

  it("a double-clicked Send for approval makes one visit, and both presses see it", async () => {
    const form = await h.openForm(PEOPLE.requester);
    const before = (await h.app.ctx.store.listVisits({})).length;
    const data = toCardInputs(validRequestValues({ pupil_name: "Robin Double" }));
    const [first, second] = await Promise.all([
      h.invoke(PEOPLE.requester, form.conversation, form.messageId, "visit_submit", data),
      h.invoke(PEOPLE.requester, form.conversation, form.messageId, "visit_submit", data),
    ]);
    const visits = (await h.app.ctx.store.listVisits({})).filter((v) => v.request.pupil.name === "Robin Double");
    expect(visits).toHaveLength(1);
    expect((await h.app.ctx.store.listVisits({})).length).toBe(before + 1);
    for (const res of [first, second]) expect(json(res.body.value)).toContain(visits[0]?.id);
    await h.settle();
  });

  it("someone not in the directory gets an error, not a form", async () => {
    const res = await h.say(PEOPLE.stranger, { id: "a:1personal-stranger", type: "personal" }, "homevisit");
    expect(res.status).toBe(200);
    const answers = h.stub.calls.filter((c) => c.conversation === "a:1personal-stranger");
    expect(answers).toHaveLength(1);
    const answer = answers[0];
    expect(answer?.text).toMatch(/not in this school's homevisit staff directory/);
    expect(json(answer?.card)).not.toContain("visit_submit");
  });
});

describe("the approval card's Universal Actions", () => {
  it("a refusal is an error response and the card in the channel is not touched", async () => {
    const visit = await h.requestVisit();
    const post = h.approvalPost(visit.id);
    const cardId = String(post.response.id);
    const puts = () => h.stub.calls.filter((c) => c.method === "PUT" && c.activityId === cardId).length;
    const res = await h.invoke(PEOPLE.office, thread(CHANNELS.approvals, cardId), cardId, "visit_approve", { visitId: visit.id });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      statusCode: 400,
      type: "application/vnd.microsoft.error",
      value: { code: "not-an-approver", message: expect.stringMatching(/^Only .* can approve home visits\.$/) },
    });
    await h.settle();
    expect(puts()).toBe(0);
    expect((await h.visit(visit.id)).status).toBe("requested");
  });

  it("approve with conditions: pair, police and a note show on the refreshed card", async () => {
    const visit = await h.requestVisit();
    const cardId = String(h.approvalPost(visit.id).response.id);
    const res = await h.invoke(PEOPLE.deputy, thread(CHANNELS.approvals, cardId), cardId, "visit_conditions", {
      visitId: visit.id,
      require_pair: "true",
      police: "true",
      note: "Phone the office from the car",
    });
    const press = readPress(res);
    expect(press.accepted).toBe(true);
    expect(press.text).toMatch(/Approved with conditions\*\* by Ben Hughes/);
    expect(press.text).toContain("Conditions: go as a pair; police accompaniment; Phone the office from the car");
    const after = await h.visit(visit.id);
    expect(after.status).toBe("approved");
    expect(after.decision?.conditions).toEqual({
      requirePair: true,
      policeAccompaniment: true,
      note: "Phone the office from the car",
    });
    await h.settle();
    expect(h.stub.calls.find((c) => c.method === "PUT" && c.activityId === cardId)?.text).toMatch(/Approved with conditions/);
  });

  it("a pair required on a lone visit sends it back to the requester", async () => {
    const visit = await h.requestVisit(validRequestValues({ second_staff: undefined }));
    const press = await h.press("dsl", "visit_conditions", visit.id, { require_pair: "true", police: "false", note: "" });
    expect(press.accepted).toBe(true);
    expect((await h.visit(visit.id)).status).toBe("changes_requested");
  });

  it("an unknown verb is refused", async () => {
    const res = await h.invoke(PEOPLE.dsl, thread(CHANNELS.approvals, "1"), "1", "visit_explode", { visitId: "HV-AAAAA" });
    expect(res.body).toMatchObject({
      statusCode: 400,
      type: "application/vnd.microsoft.error",
      value: { code: "unknown-action" },
    });
  });
});

describe("the alert buttons", () => {
  it("after a code word, I'm calling them and Staff are safe answer the presser and stand the alarm down", async () => {
    const visit = await h.requestVisit();
    await h.press("dsl", "visit_approve", visit.id);
    await h.reply("requester", visit.id, "leaving");
    await h.reply("requester", visit.id, CODE_WORD);
    expect((await h.visit(visit.id)).progress.alarm?.kind).toBe("code_word");
    const pack = h.stub.to(CHANNELS.alerts).find((c) => c.text.includes(visit.id) && json(c.card).includes("escalation_ack"));
    expect(pack).toBeDefined();

    // The pressed card becomes the taken card: who took it, and only the stand-down button left.
    const calling = await h.press("head", "escalation_ack", visit.id);
    expect(calling).toMatchObject({ accepted: true, text: expect.stringMatching(/Taken by Carys Morgan at \d\d:\d\d/) });
    expect(calling.text).toMatch(/\[Staff are safe\]/);
    expect(calling.text).not.toMatch(/I'm calling them/);
    const safe = await h.press("dsl", "escalation_safe", visit.id, { how: "phone" });
    expect(safe).toMatchObject({ accepted: true, text: expect.stringMatching(/are safe/) });
    expect((await h.visit(visit.id)).progress.alarm).toBeNull();
  });
});
