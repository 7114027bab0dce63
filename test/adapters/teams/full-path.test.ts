import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHANNELS, PEOPLE, personalChat, thread } from "./support/activities.js";
import {
  errorsOnCard,
  PUPIL,
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

const ADAPTIVE = "application/vnd.microsoft.card.adaptive";
const json = (value: unknown) => JSON.stringify(value);

describe("a home visit from `homevisit` to the Home Visit Form, all in Teams", () => {
  it("requests, approves, opens the thread, checks in, comes back and records", async () => {
    const { stub } = h;

    // Erin types homevisit in her 1:1 chat; the bot answers with the request form (Adaptive Card 1.5).
    const form = await h.openForm(PEOPLE.requester);
    expect(form.call.card).toMatchObject({ type: "AdaptiveCard", version: "1.5" });
    expect(form.call.card?.actions).toEqual([expect.objectContaining({ type: "Action.Execute", verb: "visit_submit" })]);
    const inputs = json(form.call.card);
    for (const id of [
      "pupil_name",
      "address",
      "purpose",
      "planned_start_date",
      "planned_start_time",
      "second_staff",
      "code_word",
    ])
      expect(inputs).toContain(`"id":"${id}"`);

    // She fills it in and presses Send for approval: the invoke response replaces the form.
    const submitted = await h.invoke(PEOPLE.requester, form.conversation, form.messageId, "visit_submit", {
      ...toCardInputs(validRequestValues()),
    });
    expect(submitted.status).toBe(200);
    expect(submitted.body).toMatchObject({ statusCode: 200, type: ADAPTIVE, value: { type: "AdaptiveCard" } });
    expect(json(submitted.body.value)).toMatch(/waiting for approval/);
    const [visit] = await h.app.ctx.store.listVisits({ staffId: "e.walsh" });
    if (!visit) throw new Error("no visit");
    expect(visit.platform).toBe("teams");
    expect(visit.request.plannedStart.toISOString()).toBe("2026-11-24T10:30:00.000Z");
    expect(visit.request.expectedReturn.toISOString()).toBe("2026-11-24T11:30:00.000Z");
    expect(visit.request.second?.staffId).toBe("f.nowak");

    // The approval card reaches the approvals channel, with the buttons as Action.Execute verbs.
    await h.settle();
    const card = h.approvalPost(visit.id);
    const cardJson = json(card.card);
    expect(cardJson).toContain(`"verb":"visit_approve","data":{"visitId":"${visit.id}"}`);
    expect(cardJson).toContain(`"verb":"visit_decline"`);
    expect(cardJson).toContain(`"id":"reason"`);
    expect(cardJson).toContain(`"verb":"visit_conditions"`);
    expect(cardJson).toContain(`"id":"require_pair"`);
    expect(card.text).toContain(PUPIL.name);

    // Ada approves: the refreshed card comes back in the invoke response, without buttons…
    const cardId = String(card.response.id);
    const approved = await h.invoke(PEOPLE.dsl, thread(CHANNELS.approvals, cardId), cardId, "visit_approve", {
      visitId: visit.id,
    });
    expect(approved.body).toMatchObject({ statusCode: 200, type: ADAPTIVE });
    expect(json(approved.body.value)).toMatch(/Approved\*\* by Ada Okafor/);
    expect(json(approved.body.value)).not.toContain("Action.Execute");
    await h.settle();
    // …the posted card is updated in place, and Erin is told in her 1:1 chat.
    const update = stub.calls.find((c) => c.method === "PUT" && c.conversation === CHANNELS.approvals);
    expect(update?.activityId).toBe(cardId);
    expect(update?.text).toMatch(/Approved\*\* by Ada Okafor/);
    expect(stub.to(personalChat(PEOPLE.requester).id).some((c) => /was approved/.test(c.text))).toBe(true);

    // The visit's thread opens in the visits channel, @mentioning the pair by their Entra ids.
    const root = await h.threadRoot(visit.id);
    const opener = stub.to(CHANNELS.visits, { exact: true }).find((c) => String(c.response.id) === root);
    expect(json(opener?.card)).toContain(`"mentioned":{"id":"${PEOPLE.requester.aad}","name":"Erin Walsh"}`);
    const inThread = thread(CHANNELS.visits, root);

    // The pair report in the thread: with an @mention, and without (the RSC permission delivers it).
    expect((await h.say(PEOPLE.requester, inThread, "leaving", { mention: true })).status).toBe(200);
    await h.settle();
    expect((await h.visit(visit.id)).status).toBe("under_way");
    expect(stub.to(inThread.id, { exact: true }).at(-1)?.text).toMatch(/On your way/);
    h.app.clock.advanceMinutes(15);
    await h.app.tick();
    await h.say(PEOPLE.requester, inThread, "arrived");
    await h.say(PEOPLE.second, inThread, "in");
    await h.settle();
    expect((await h.visit(visit.id)).status).toBe("in_home");

    // A check-in prompt with an I'm OK button arrives in the thread; Filip presses it.
    h.app.clock.advanceMinutes(18);
    await h.app.tick();
    const prompt = stub.to(inThread.id, { exact: true }).at(-1);
    expect(json(prompt?.card)).toContain(`"verb":"checkin_ok"`);
    const ok = await h.invoke(PEOPLE.second, inThread, String(prompt?.response.id), "checkin_ok", { visitId: visit.id });
    expect(ok.body).toMatchObject({ statusCode: 200, type: ADAPTIVE });
    expect(json(ok.body.value)).toMatch(/Filip Nowak checked in at 10:33/);
    await h.settle();
    expect((await h.visit(visit.id)).progress.lastCheckIn?.by).toBe("f.nowak");

    h.app.clock.advanceMinutes(10);
    await h.say(PEOPLE.requester, inThread, "left");
    h.app.clock.advanceMinutes(12);
    await h.say(PEOPLE.requester, inThread, "back", { mention: true });
    await h.settle();
    expect((await h.visit(visit.id)).status).toBe("returned");

    // Erin is asked for the Home Visit Form in her 1:1 chat; its button brings the form.
    const ask = stub.to(personalChat(PEOPLE.requester).id).find((c) => json(c.card).includes(`"verb":"record_open"`));
    expect(ask).toBeDefined();
    const askConversation = personalChat(PEOPLE.requester);
    const opened = await h.invoke(PEOPLE.requester, askConversation, String(ask?.response.id), "record_open", {
      visitId: visit.id,
    });
    expect(opened.body).toMatchObject({ statusCode: 200, type: ADAPTIVE });
    expect(json(opened.body.value)).toContain(`"verb":"visit_outcome_submit","data":{"metadata":"${visit.id}"}`);

    // An incomplete form comes back with errors under its fields, what was typed kept…
    const incomplete = await h.invoke(PEOPLE.requester, askConversation, String(ask?.response.id), "visit_outcome_submit", {
      metadata: visit.id,
      time_back: "25:00",
      agreements: "Call on Friday",
    });
    expect(Object.keys(errorsOnCard(incomplete.body.value))).toEqual(
      expect.arrayContaining(["present", "child_seen", "discussed", "time_back"]),
    );
    expect(json(incomplete.body.value)).toContain(`"id":"agreements","label":"Agreements made with parents"`);
    expect(json(incomplete.body.value)).toContain(`"value":"Call on Friday"`);
    // …a complete one is saved and closes the visit.
    const complete = await h.invoke(PEOPLE.requester, askConversation, String(ask?.response.id), "visit_outcome_submit", {
      metadata: visit.id,
      present: "Mother (parental responsibility)",
      child_seen: "yes",
      safe_and_well: "yes",
      discussed: "Attendance plan for December",
    });
    expect(complete.body).toMatchObject({ statusCode: 200, type: ADAPTIVE });
    expect(json(complete.body.value)).toMatch(/saved/);
    await h.settle();
    const closed = await h.visit(visit.id);
    expect(closed.status).toBe("closed");
    expect(stub.to(CHANNELS.records).some((c) => c.text.includes("Attendance plan for December"))).toBe(true);

    // Throughout, the visits channel never saw the pupil's name or address.
    for (const call of stub.to(CHANNELS.visits)) {
      expect(json(call.body)).not.toContain(PUPIL.name);
      expect(json(call.body)).not.toContain(PUPIL.address);
    }
    const actions = (await h.app.ctx.store.listAudit(visit.id)).map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining(["requested", "approved", "left_school", "arrived", "entered_home", "checked_in", "returned"]),
    );
    expect(actions.at(-1)).toBe("record_submitted");
  });
});
