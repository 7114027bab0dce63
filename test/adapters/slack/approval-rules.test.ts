import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { messageText } from "./support/slack-driver.js";
import { CHANNELS, PEOPLE, type SlackHarness, startSlackHarness, validRequestValues } from "./support/slack-harness.js";

/**
 * Approval as the policies say it: a Lincolnshire safeguarding visit needs the headteacher and
 * the DSL, and any approver can send a request back for changes, which the requester makes and
 * sends again into the same visit. All through signed Slack requests and the Web API stub.
 */
let h: SlackHarness;
beforeAll(async () => {
  h = await startSlackHarness({ env: { POLICY_FILE: "policies/lincolnshire.yaml" } });
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => h.stub.reset());

/** The approval card as it reads now: its first post, then each update in turn. */
function cardNow(visitId: string): string {
  const first = h.approvalCard(visitId);
  const ts = first.response?.ts;
  const updates = h.stub.calls.filter((c) => c.method === "chat.update" && c.params.ts === ts);
  return messageText((updates.at(-1) ?? first).params);
}
const dmsTo = (user: string) =>
  h.stub
    .callsTo("chat.postMessage")
    .filter((c) => c.params.channel === user)
    .map((c) => messageText(c.params));
const responses = () => h.stub.callsTo("response_url").map((c) => messageText(c.params));

async function press(user: string, actionId: string, visitId: string, channel: string = CHANNELS.approvals) {
  const triggerId = `trigger-${actionId}-${Math.random()}`;
  const reply = await h.slack.click(user, actionId, visitId, { channel, triggerId });
  expect(reply.status).toBe(200);
  await h.settle();
  return triggerId;
}

describe("joint approval (Lincolnshire: the headteacher and the DSL for safeguarding)", () => {
  it("the card shows who approved and who is still needed; approved only when both have", async () => {
    const visit = await h.requestVisit(validRequestValues({ purpose: "safe_and_well" }));
    expect(cardNow(visit.id)).toMatch(/Needs approval from the headteacher and the Designated Safeguarding Lead or a deputy DSL/);

    await press(PEOPLE.head, "visit_approve", visit.id);
    expect((await h.visit(visit.id)).status).toBe("requested");
    expect(cardNow(visit.id)).toMatch(
      /Approved so far by Carys Morgan \(Tue 24 Nov, 10:00\)\. Needs approval from the Designated Safeguarding Lead or a deputy DSL/,
    );
    expect(cardNow(visit.id)).toMatch(/\[Approve\]/);
    expect(dmsTo(PEOPLE.requester).join("\n")).toMatch(
      /Carys Morgan approved your home visit .* It still needs the Designated Safeguarding Lead or a deputy DSL/,
    );

    // Pressed twice between meetings: told, nothing changes.
    await press(PEOPLE.head, "visit_approve", visit.id);
    expect(responses().join("\n")).toMatch(/You have already approved this visit/);
    expect((await h.visit(visit.id)).progress.signOffs).toHaveLength(1);

    await press(PEOPLE.dsl, "visit_approve", visit.id);
    const approved = await h.visit(visit.id);
    expect(approved.status).toBe("approved");
    expect(cardNow(visit.id)).toMatch(/Approved\* by Carys Morgan \(Tue 24 Nov, 10:00\) and Ada Okafor \(Tue 24 Nov, 10:00\)/);
    expect(cardNow(visit.id)).not.toMatch(/\[Approve\]/);
  });

  it("one decline ends it, whoever had approved before", async () => {
    const visit = await h.requestVisit(validRequestValues({ purpose: "safeguarding_indicators", pupil_name: "Alex Rowe" }));
    await press(PEOPLE.head, "visit_approve", visit.id);
    const triggerId = await press(PEOPLE.deputy, "visit_decline", visit.id);
    const open = await h.stub.waitFor((c) => c.method === "views.open" && c.params.trigger_id === triggerId);
    await h.slack.submitView(PEOPLE.deputy, open.params.view as Record<string, unknown>, {
      reason: "Social care are visiting today",
    });
    await h.settle();
    expect((await h.visit(visit.id)).status).toBe("declined");
    expect(cardNow(visit.id)).toMatch(/Declined\* by Ben Hughes.*\nReason: Social care are visiting today/);
  });
});

describe("ask for changes", () => {
  it("goes back to the requester with a note; they change it and send it again into the same visit", async () => {
    const visit = await h.requestVisit(
      validRequestValues({ pupil_name: "Sam Jones", address: "9 Wrong Street, Salford M5 2CC" }),
    );
    const triggerId = await press(PEOPLE.head, "visit_changes", visit.id);
    const asked = await h.stub.waitFor((c) => c.method === "views.open" && c.params.trigger_id === triggerId);
    const askView = asked.params.view as Record<string, unknown>;
    // No note: said under the field, nothing sent back.
    const empty = await h.slack.submitView(PEOPLE.head, askView, { note: "" });
    expect((empty.json() as { errors: Record<string, string> }).errors.note).toMatch(/what needs changing/);
    expect((await h.visit(visit.id)).status).toBe("requested");

    await h.slack.submitView(PEOPLE.head, askView, { note: "The address is the old one: they moved to 4 Mill Lane." });
    await h.settle();
    expect((await h.visit(visit.id)).status).toBe("changes_requested");
    expect(cardNow(visit.id)).toMatch(/Sent back for changes\* by Carys Morgan.*\nWhat to change: The address is the old one/);
    const dm = h.stub
      .callsTo("chat.postMessage")
      .find((c) => c.params.channel === PEOPLE.requester && c.content.includes("visit_resubmit"));
    expect(messageText(dm?.params ?? {})).toMatch(/sent back for changes[\s\S]*\[Change and send again\]/);

    // The form opens filled in, carrying the visit id; the code word is not on it.
    const resubmitTrigger = await press(PEOPLE.requester, "visit_resubmit", visit.id, PEOPLE.requester);
    const form = await h.stub.waitFor((c) => c.method === "views.open" && c.params.trigger_id === resubmitTrigger);
    const view = form.params.view as {
      private_metadata: string;
      blocks: { block_id: string; element?: { initial_value?: string } }[];
    };
    expect(view.private_metadata).toContain(visit.id);
    const initial = Object.fromEntries(view.blocks.map((b) => [b.block_id, b.element?.initial_value]));
    expect(initial.pupil_name).toBe("Sam Jones");
    expect(initial.address).toBe("9 Wrong Street, Salford M5 2CC");
    expect(initial.code_word).toBeUndefined();

    const before = (await h.app.ctx.store.listVisits({})).length;
    const sent = await h.slack.submitView(
      PEOPLE.requester,
      form.params.view as Record<string, unknown>,
      validRequestValues({ pupil_name: "Sam Jones", address: "4 Mill Lane, Salford M5 1AA", code_word: "" }),
    );
    expect(sent.status).toBe(200);
    expect(sent.text).toBe("");
    await h.settle();
    expect((await h.app.ctx.store.listVisits({})).length).toBe(before);
    const again = await h.visit(visit.id);
    expect(again.status).toBe("requested");
    expect(again.request.address).toBe("4 Mill Lane, Salford M5 1AA");
    expect(again.codeWordHash).toBe(visit.codeWordHash);
    const card = cardNow(visit.id);
    expect(card).toMatch(
      /Carys Morgan asked for changes: The address is the old one[\s\S]*Erin Walsh changed it and sent it again/,
    );
    expect(card).toMatch(/\[Approve\]/);
    const told = h.stub.callsTo("chat.postMessage").filter((c) => c.params.channel === CHANNELS.approvals);
    expect(told.map((c) => messageText(c.params)).join("\n")).toMatch(/Erin Walsh changed home visit .* as Carys Morgan asked/);

    // The same form sent twice (a double tap): the second is refused, the visit unchanged.
    const twice = await h.slack.submitView(
      PEOPLE.requester,
      { ...(form.params.view as Record<string, unknown>), id: "V0OTHERVIEW" },
      validRequestValues({ pupil_name: "Sam Jones", address: "5 Other Road, Salford M5 3DD" }),
    );
    expect(JSON.stringify(twice.json())).toMatch(/not waiting for changes/);
    expect((await h.visit(visit.id)).request.address).toBe("4 Mill Lane, Salford M5 1AA");

    await press(PEOPLE.head, "visit_approve", visit.id);
    expect((await h.visit(visit.id)).status).toBe("approved");
  });

  it("only the requester can change it", async () => {
    const visit = await h.requestVisit(validRequestValues({ pupil_name: "Kai Long" }));
    const triggerId = await press(PEOPLE.dsl, "visit_changes", visit.id);
    const asked = await h.stub.waitFor((c) => c.method === "views.open" && c.params.trigger_id === triggerId);
    await h.slack.submitView(PEOPLE.dsl, asked.params.view as Record<string, unknown>, { note: "Add the second mobile" });
    await h.settle();
    await press(PEOPLE.second, "visit_resubmit", visit.id, PEOPLE.second);
    expect(responses().join("\n")).toMatch(/Only the person who requested this visit can change it/);
  });
});
