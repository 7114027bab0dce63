import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validRequestValues } from "../shared/visit-request.js";
import { PEOPLE, personalChat } from "./support/activities.js";
import { startTeamsHarness, type TeamsHarness, toCardInputs } from "./support/teams-harness.js";

/** The same approval rules in Teams: Action.Execute invokes with real Activity JSON. */
let h: TeamsHarness;
beforeAll(async () => {
  h = await startTeamsHarness({ env: { POLICY_FILE: "policies/lincolnshire.yaml" } });
});
afterAll(async () => {
  await h?.close();
});

describe("approval rules in Teams", () => {
  it("a joint approval waits for its second approver, and the card says who", async () => {
    const visit = await h.requestVisit(validRequestValues({ purpose: "safe_and_well" }));
    const first = await h.press("head", "visit_approve", visit.id);
    expect(first.accepted).toBe(true);
    expect(first.text).toMatch(
      /Approved so far by Carys Morgan .* Needs approval from the Designated Safeguarding Lead or a deputy DSL/,
    );
    expect((await h.visit(visit.id)).status).toBe("requested");
    const second = await h.press("dsl", "visit_approve", visit.id);
    expect(second.text).toMatch(/\*\*Approved\*\* by Carys Morgan .* and Ada Okafor/);
    expect((await h.visit(visit.id)).status).toBe("approved");
  });

  it("ask for changes from the card; the requester changes the filled-in form and sends it again", async () => {
    const visit = await h.requestVisit(
      validRequestValues({ pupil_name: "Sam Jones", address: "9 Wrong Street, Salford M5 2CC" }),
    );
    const empty = await h.press("head", "visit_changes", visit.id, { note: "  " });
    expect(empty.accepted).toBe(false);
    expect(empty.text).toMatch(/Say what needs changing/);
    const asked = await h.press("head", "visit_changes", visit.id, { note: "They moved: 4 Mill Lane." });
    expect(asked.text).toMatch(/\*\*Sent back for changes\*\* by Carys Morgan[\s\S]*What to change: They moved: 4 Mill Lane\./);

    const open = await h.press("requester", "visit_resubmit", visit.id);
    expect(open.accepted).toBe(true);
    expect(open.text).toMatch(/Carys Morgan asked: They moved: 4 Mill Lane\./);
    const sent = await h.invoke(PEOPLE.requester, personalChat(PEOPLE.requester), undefined, "visit_submit", {
      metadata: visit.id,
      ...toCardInputs(validRequestValues({ pupil_name: "Sam Jones", address: "4 Mill Lane, Salford M5 1AA", code_word: "" })),
    });
    expect(sent.status).toBe(200);
    await h.settle();
    const again = await h.visit(visit.id);
    expect(again.status).toBe("requested");
    expect(again.request.address).toBe("4 Mill Lane, Salford M5 1AA");
    const card = h.stub.calls.filter((c) => c.method === "PUT" && c.text.includes(visit.id)).at(-1)?.text ?? "";
    expect(card).toMatch(/Carys Morgan asked for changes: They moved[\s\S]*Erin Walsh changed it and sent it again/);
  });
});
