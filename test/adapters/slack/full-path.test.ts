import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCHOOL_MORNING } from "../../support/test-clock.js";
import {
  CHANNELS,
  PEOPLE,
  PUPIL,
  type SlackHarness,
  startSlackHarness,
  tsOf,
  validRequestValues,
} from "./support/slack-harness.js";

let h: SlackHarness;
beforeAll(async () => {
  h = await startSlackHarness();
});
afterAll(async () => {
  await h?.close();
});

describe("a home visit from /homevisit to the Home Visit Form, all in Slack", () => {
  it("requests, approves, opens the thread, checks in, comes back and records", async () => {
    const { slack, stub } = h;

    // Erin types /homevisit and fills in the form Slack shows her.
    const view = await h.openRequestForm(PEOPLE.requester);
    const submitted = await slack.submitView(PEOPLE.requester, view, validRequestValues());
    expect(submitted.status).toBe(200);
    expect(submitted.text).toBe("");
    await h.settle();
    const [visit] = await h.app.ctx.store.listVisits({ staffId: "e.walsh" });
    if (!visit) throw new Error("no visit");
    expect(visit.request.plannedStart.toISOString()).toBe("2026-11-24T10:30:00.000Z");
    expect(visit.request.durationMinutes).toBe(45);
    expect(visit.request.lead.mobile).toBe("07700900105"); // filled from the directory, as the form showed it
    expect(visit.request.second?.staffId).toBe("f.nowak");

    // The card reaches the approvers; Ada approves it.
    const card = h.approvalCard(visit.id);
    await slack.click(PEOPLE.dsl, "visit_approve", visit.id, { channel: CHANNELS.approvals, ts: tsOf(card) });
    await h.settle();
    expect(stub.callsTo("chat.update").find((c) => c.params.ts === tsOf(card))?.content).toMatch(/Approved\* by Ada Okafor/);
    expect(stub.calls.find((c) => c.params.channel === PEOPLE.requester && c.content.includes("was approved"))).toBeDefined();

    // The visit's thread opens in the visits channel; the pair report in it.
    const thread = await h.threadTs(visit.id);
    expect((await h.reply(PEOPLE.requester, visit.id, "leaving")).status).toBe("under_way");
    h.app.clock.advanceMinutes(15);
    await h.app.tick();
    expect((await h.reply(PEOPLE.requester, visit.id, "arrived")).status).toBe("at_address");
    expect((await h.reply(PEOPLE.second, visit.id, "in")).status).toBe("in_home");
    h.app.clock.advanceMinutes(18);
    await h.app.tick(); // a check-in prompt arrives in the thread…
    const prompt = stub.calls.filter((c) => c.params.thread_ts === thread).at(-1);
    expect(prompt?.content).toContain('"action_id":"checkin_ok"');
    await slack.click(PEOPLE.second, "checkin_ok", visit.id, { channel: CHANNELS.visits, ts: tsOf(prompt ?? card) });
    await h.settle(); // …and the button answers it
    expect((await h.visit(visit.id)).progress.lastCheckIn?.by).toBe("f.nowak");
    h.app.clock.advanceMinutes(10);
    expect((await h.reply(PEOPLE.requester, visit.id, "left")).status).toBe("left_address");
    h.app.clock.advanceMinutes(12);
    expect((await h.reply(PEOPLE.requester, visit.id, "back")).status).toBe("returned");

    // Erin is asked for the Home Visit Form; its button opens it as a modal.
    const ask = stub.calls.find((c) => c.params.channel === PEOPLE.requester && c.content.includes('"action_id":"record_open"'));
    expect(ask).toBeDefined();
    await slack.click(PEOPLE.requester, "record_open", visit.id, { channel: "D0STAF005", triggerId: "trigger-record" });
    const open = await stub.waitFor((c) => c.method === "views.open" && c.params.trigger_id === "trigger-record");
    const form = open.params.view as Record<string, unknown>;
    expect(form.callback_id).toBe("visit_outcome_submit");
    expect(form.private_metadata).toBe(visit.id);

    // An incomplete form comes back with errors under its fields…
    const incomplete = await slack.submitView(PEOPLE.requester, form, { time_back: "25:00" });
    const errors = (incomplete.json() as { response_action: string; errors: Record<string, string> }).errors;
    expect(Object.keys(errors)).toEqual(expect.arrayContaining(["present", "child_seen", "discussed", "time_back"]));
    // …a complete one closes the modal and closes the visit.
    const complete = await slack.submitView(PEOPLE.requester, form, {
      present: "Mother (parental responsibility)",
      child_seen: "yes",
      safe_and_well: "yes",
      discussed: "Attendance plan for December",
    });
    expect(complete.status).toBe(200);
    expect(complete.text).toBe("");
    await h.settle();
    const closed = await h.visit(visit.id);
    expect(closed.status).toBe("closed");
    expect(closed.hasRecord).toBe(true);
    const record = stub.callsTo("chat.postMessage").find((c) => c.params.channel === CHANNELS.records);
    expect(record?.content).toContain("Attendance plan for December");

    // The record can be read back with /homevisit record, ephemerally and as Block Kit.
    const readBack = await slack.command(PEOPLE.requester, `record ${visit.id}`);
    const shown = readBack.json() as { response_type: string; blocks?: unknown[] };
    expect(shown.response_type).toBe("ephemeral");
    expect(JSON.stringify(shown.blocks)).toContain("Attendance plan for December");

    // Throughout, the visits channel never saw the pupil's name or address.
    for (const call of stub.calls.filter((c) => c.params.channel === CHANNELS.visits)) {
      expect(call.content).not.toContain(PUPIL.name);
      expect(call.content).not.toContain(PUPIL.address);
    }
    // And the audit trail tells the story.
    const actions = (await h.app.ctx.store.listAudit(visit.id)).map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining(["requested", "approved", "left_school", "arrived", "entered_home", "checked_in", "returned"]),
    );
    expect(actions.slice(-2)).toEqual(["record_submitted", "record_viewed"]); // reading a record is audited too
  });

  it("record_open is refused to someone who was not on the visit", async () => {
    h.app.clock.set(SCHOOL_MORNING);
    const visit = await h.requestVisit();
    h.stub.reset();
    await h.slack.click(PEOPLE.office, "record_open", visit.id, { channel: "D0OFFI004" });
    await h.settle();
    expect(h.stub.callsTo("views.open")).toHaveLength(0);
    expect(h.stub.callsTo("response_url").map((c) => c.params.text)).toEqual([
      "Only the staff who made the visit can complete its form.",
    ]);
  });
});
