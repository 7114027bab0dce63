import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { SlackCall } from "./support/slack-api-stub.js";
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
beforeEach(() => h.stub.reset());

type Blocks = {
  type: string;
  block_id?: string;
  element?: { type: string; action_id?: string };
  elements?: Record<string, unknown>[];
}[];
const blocksOf = (call: SlackCall) => call.params.blocks as Blocks;
const buttonsOf = (call: SlackCall) =>
  blocksOf(call)
    .filter((b) => b.type === "actions")
    .flatMap((b) => (b.elements ?? []) as { action_id: string; value: string }[]);
const ephemeralTexts = () => h.stub.callsTo("response_url").map((c) => String(c.params.text));

describe("/homevisit opens the request form", () => {
  it("acks at once and opens a modal with the trigger id, built from the policy", async () => {
    const reply = await h.slack.command(PEOPLE.requester, "", { triggerId: "trigger-abc" });
    expect(reply.status).toBe(200);
    expect(reply.text).toBe("");
    const open = await h.stub.waitFor((c) => c.method === "views.open");
    expect(open.params.trigger_id).toBe("trigger-abc");
    const view = open.params.view as { type: string; callback_id: string; title: { text: string }; blocks: Blocks };
    expect(view.type).toBe("modal");
    expect(view.callback_id).toBe("visit_submit");
    expect(view.title.text.length).toBeLessThanOrEqual(24);
    const inputs = Object.fromEntries(view.blocks.filter((b) => b.type === "input").map((b) => [b.block_id, b.element]));
    expect(inputs.pupil_name).toMatchObject({ type: "plain_text_input", action_id: "pupil_name" });
    expect(inputs.address).toMatchObject({ type: "plain_text_input", multiline: true });
    expect(inputs.planned_start).toMatchObject({ type: "datetimepicker" });
    // The length or the return time: neither is filled in for them, so neither contradicts the other.
    expect(inputs.duration).toMatchObject({ type: "number_input", is_decimal_allowed: false });
    expect(inputs.duration).not.toHaveProperty("initial_value");
    expect(inputs.risk_animals).toMatchObject({ type: "checkboxes", options: [{ value: "true" }] });
    // The purposes are the policy's (policies/default.yaml), the staff the directory's, minus the requester.
    const purposes = (inputs.purpose as unknown as { options: { value: string }[] }).options.map((o) => o.value);
    expect(purposes).toContain("safe_and_well");
    const staff = (inputs.second_staff as unknown as { options: { value: string }[] }).options.map((o) => o.value);
    expect(staff).toContain("f.nowak");
    expect(staff).not.toContain("e.walsh");
    // Vehicle and code word are required by the default policy; the MIS id is not.
    const required = (id: string) => !(view.blocks.find((b) => b.block_id === id) as { optional?: boolean }).optional;
    expect(required("vehicle_registration")).toBe(true);
    expect(required("code_word")).toBe(true);
    expect(required("pupil_mis")).toBe(false);
  });

  it("tells someone outside the staff directory, ephemerally, and opens nothing", async () => {
    const reply = await h.slack.command(PEOPLE.stranger, "");
    expect(reply.status).toBe(200);
    expect(reply.json()).toMatchObject({ response_type: "ephemeral" });
    expect(String(reply.json().text)).toMatch(/not in this school's homevisit staff directory/);
    await h.adapter.settled();
    expect(h.stub.callsTo("views.open")).toHaveLength(0);
  });
});

describe("submitting the request form", () => {
  it("answers an invalid submission with errors keyed by field, and saves nothing", async () => {
    const view = await h.openRequestForm();
    const before = (await h.app.ctx.store.listVisits({})).length;
    // Malformed values first…
    const malformed = await h.slack.submitView(
      PEOPLE.requester,
      view,
      validRequestValues({ address: "M5", duration: 2, lead_mobile: "12345" }),
    );
    expect(malformed.status).toBe(200);
    const first = malformed.json() as { response_action: string; errors: Record<string, string> };
    expect(first.response_action).toBe("errors");
    expect(Object.keys(first.errors).sort()).toEqual(["address", "duration", "lead_mobile"]);
    expect(first.errors.address).toMatch(/full address/);
    // …then a well-formed request the policy refuses.
    const refused = await h.slack.submitView(
      PEOPLE.requester,
      view,
      validRequestValues({ vehicle_registration: undefined, code_word: "ok", expected_return: "2026-11-24T10:40:00.000Z" }),
    );
    const second = refused.json() as { response_action: string; errors: Record<string, string> };
    expect(second.response_action).toBe("errors");
    expect(Object.keys(second.errors).sort()).toEqual(["code_word", "expected_return", "vehicle_registration"]);
    expect((await h.app.ctx.store.listVisits({})).length).toBe(before);
  });

  it("posts the approval card to the approvals channel with the four decision buttons, and DMs the requester", async () => {
    const visit = await h.requestVisit();
    expect(visit.status).toBe("requested");
    const card = h.approvalCard(visit.id);
    expect(card.params.channel).toBe(CHANNELS.approvals);
    expect(buttonsOf(card).map((b) => b.action_id)).toEqual([
      "visit_approve",
      "visit_conditions",
      "visit_changes",
      "visit_decline",
    ]);
    expect(buttonsOf(card).every((b) => b.value === visit.id)).toBe(true);
    // Approvers see everything they need to decide.
    expect(card.content).toContain(PUPIL.name);
    expect(card.content).toContain(PUPIL.address);
    const dm = h.stub.callsTo("chat.postMessage").find((c) => c.params.channel === PEOPLE.requester);
    expect(String(dm?.params.text)).toMatch(/sent for approval/);
  });
});

describe("submitting the same modal twice", () => {
  it("makes one visit: a second press of Submit just closes the modal", async () => {
    const view = { ...(await h.openRequestForm()), id: "V0SAMEVIEW" };
    const before = (await h.app.ctx.store.listVisits({})).length;
    const [first, second] = await Promise.all([
      h.slack.submitView(PEOPLE.requester, view, validRequestValues()),
      h.slack.submitView(PEOPLE.requester, view, validRequestValues()),
    ]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect([first.text, second.text]).toEqual(["", ""]);
    await h.settle();
    expect((await h.app.ctx.store.listVisits({})).length).toBe(before + 1);
    expect(h.stub.callsTo("chat.postMessage").filter((c) => c.params.channel === CHANNELS.approvals)).toHaveLength(1);
  });

  it("lets a modal whose first submission had errors be submitted again", async () => {
    const view = { ...(await h.openRequestForm()), id: "V0RETRYVIEW" };
    const refused = await h.slack.submitView(PEOPLE.requester, view, validRequestValues({ address: "M5" }));
    expect(refused.json()).toMatchObject({ response_action: "errors" });
    const accepted = await h.slack.submitView(PEOPLE.requester, view, validRequestValues());
    expect(accepted.text).toBe("");
  });
});

describe("deciding on the approval card", () => {
  it("refuses a non-approver ephemerally and leaves the visit requested", async () => {
    const visit = await h.requestVisit();
    h.stub.reset();
    const reply = await h.slack.click(PEOPLE.office, "visit_approve", visit.id, { channel: CHANNELS.approvals });
    expect(reply.status).toBe(200);
    await h.settle();
    expect(ephemeralTexts()).toEqual([expect.stringMatching(/^Only .* can approve home visits\.$/)]);
    expect(h.stub.callsTo("response_url")[0]?.params).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect((await h.visit(visit.id)).status).toBe("requested");
    expect(h.stub.callsTo("chat.update")).toHaveLength(0);
  });

  it("approve updates the card in place (same ts) and DMs the requester", async () => {
    const visit = await h.requestVisit();
    const cardTs = tsOf(h.approvalCard(visit.id));
    const approved = await h.approve(visit.id);
    expect(approved.status).toBe("approved");
    const update = h.stub.callsTo("chat.update").find((c) => c.params.ts === cardTs);
    expect(update?.params.channel).toBe(CHANNELS.approvals);
    expect(buttonsOf(update as SlackCall)).toHaveLength(0);
    expect(update?.content).toMatch(/Approved/);
    const dm = h.stub
      .callsTo("chat.postMessage")
      .find((c) => c.params.channel === PEOPLE.requester && c.content.includes("approved"));
    expect(dm).toBeDefined();
  });

  it("two approvers pressing at once make one decision; the second is told who decided", async () => {
    const visit = await h.requestVisit();
    h.stub.reset();
    await Promise.all([
      h.slack.click(PEOPLE.dsl, "visit_approve", visit.id, { channel: CHANNELS.approvals }),
      h.slack.click(PEOPLE.head, "visit_approve", visit.id, { channel: CHANNELS.approvals }),
    ]);
    await h.settle();
    expect((await h.visit(visit.id)).status).toBe("approved");
    const audit = (await h.app.ctx.store.listAudit(visit.id)).filter((a) => a.action === "approved");
    expect(audit).toHaveLength(1);
    const decider = audit[0]?.actor;
    expect(ephemeralTexts()).toEqual([`This visit was already approved by ${decider}.`]);
    // A late click again: told, nothing changes.
    await h.slack.click(PEOPLE.deputy, "visit_approve", visit.id, { channel: CHANNELS.approvals });
    await h.settle();
    expect(ephemeralTexts()).toHaveLength(2);
    expect((await h.app.ctx.store.listAudit(visit.id)).filter((a) => a.action === "approved")).toHaveLength(1);
  });

  it("decline opens a modal that needs a reason, then declines and tells the requester", async () => {
    const visit = await h.requestVisit();
    await h.slack.click(PEOPLE.dsl, "visit_decline", visit.id, { channel: CHANNELS.approvals, triggerId: "trigger-decline" });
    const open = await h.stub.waitFor((c) => c.method === "views.open" && c.params.trigger_id === "trigger-decline");
    const view = open.params.view as Record<string, unknown> & { blocks: Blocks };
    expect(view.callback_id).toBe("visit_decline_submit");
    expect(view.blocks.find((b) => b.block_id === "reason")).toMatchObject({ optional: false });

    const blank = await h.slack.submitView(PEOPLE.dsl, view, { reason: "   " });
    expect(blank.json()).toEqual({ response_action: "errors", errors: { reason: "Give a reason for declining." } });
    expect((await h.visit(visit.id)).status).toBe("requested");

    const done = await h.slack.submitView(PEOPLE.dsl, view, { reason: "Police advise against this address" });
    expect(done.status).toBe(200);
    expect(done.text).toBe("");
    await h.settle();
    const declined = await h.visit(visit.id);
    expect(declined.status).toBe("declined");
    expect(declined.decision?.reason).toBe("Police advise against this address");
    const dm = h.stub
      .callsTo("chat.postMessage")
      .find((c) => c.params.channel === PEOPLE.requester && c.content.includes("declined"));
    expect(dm?.content).toContain("Reason: Police advise against this address");
  });

  it("says so when Slack will not open the decline modal (e.g. the trigger expired)", async () => {
    const visit = await h.requestVisit();
    h.stub.reset();
    h.stub.failNext("views.open", { body: { ok: false, error: "expired_trigger_id" } });
    await h.slack.click(PEOPLE.dsl, "visit_decline", visit.id, { channel: CHANNELS.approvals });
    await h.settle();
    expect(ephemeralTexts()).toEqual([expect.stringMatching(/^Sorry, that did not go through/)]);
    expect((await h.visit(visit.id)).status).toBe("requested");
  });

  it("a non-approver pressing decline gets the refusal and no modal", async () => {
    const visit = await h.requestVisit();
    h.stub.reset();
    await h.slack.click(PEOPLE.second, "visit_decline", visit.id, { channel: CHANNELS.approvals });
    await h.settle();
    expect(h.stub.callsTo("views.open")).toHaveLength(0);
    expect(ephemeralTexts()).toEqual([expect.stringMatching(/^Only .* can approve home visits\.$/)]);
  });

  it("approve with conditions records the chosen conditions", async () => {
    const visit = await h.requestVisit();
    await h.slack.click(PEOPLE.dsl, "visit_conditions", visit.id, { channel: CHANNELS.approvals, triggerId: "trigger-cond" });
    const open = await h.stub.waitFor((c) => c.method === "views.open" && c.params.trigger_id === "trigger-cond");
    const view = open.params.view as Record<string, unknown>;
    expect(view.callback_id).toBe("visit_conditions_submit");
    const none = await h.slack.submitView(PEOPLE.dsl, view, {});
    expect((none.json() as { errors: Record<string, string> }).errors.require_pair).toMatch(/at least one condition/);
    const reply = await h.slack.submitView(PEOPLE.dsl, view, { police: true, note: "Phone the office on arrival" });
    expect(reply.text).toBe("");
    await h.settle();
    const decided = await h.visit(visit.id);
    expect(decided.status).toBe("approved");
    expect(decided.decision?.conditions).toEqual({
      requirePair: false,
      policeAccompaniment: true,
      note: "Phone the office on arrival",
    });
  });

  it("never lets a pupil's name in the card become markup", async () => {
    const visit = await h.requestVisit(validRequestValues({ pupil_name: "Sam <!channel> Jones" }));
    const card = h.approvalCard(visit.id);
    expect(JSON.stringify(card.params.blocks)).toContain("Sam &lt;!channel&gt; Jones");
    expect(JSON.stringify(card.params.blocks)).not.toContain("<!channel>");
  });
});
