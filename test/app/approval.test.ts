import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { decideOnVisit } from "../../src/app/use-cases/decide-visit.js";
import { requestVisit } from "../../src/app/use-cases/request-visit.js";
import { FakeChat, fakeChatAdapter } from "../support/fake-chat.js";
import { person } from "../support/flows.js";
import { startTestApp, type TestApp } from "../support/test-app.js";
import { SCHOOL_MORNING } from "../support/test-clock.js";
import { demoRequestInput } from "../support/visit-fixtures.js";

const chat = new FakeChat("console");
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({}, { adapters: [fakeChatAdapter(chat)] });
});
afterAll(async () => {
  await app.close();
});
beforeEach(() => {
  app.clock.set(SCHOOL_MORNING);
  chat.clear();
});

async function request(overrides = {}) {
  const outcome = await requestVisit(app.ctx, person("e.walsh"), demoRequestInput(overrides));
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
  await app.flush();
  return outcome.visit;
}

describe("approving a visit", () => {
  it("puts a card with the full details and the policy's warnings in the approvers' channel", async () => {
    const visit = await request({ second: null });
    const card = chat.inChannel("approvals").find((m) => m.message.text.includes(visit.id));
    expect(card?.visibleText).toContain("Jamie Lee Smith");
    expect(card?.visibleText).toContain("12 Orchard Way");
    expect(card?.visibleText).toMatch(/Lone visit/);
    expect(chat.toUser("e.walsh").map((m) => m.message.text)).toEqual([expect.stringMatching(/sent for approval/)]);
  });

  it("refuses anyone who is not an approver, and nothing changes", async () => {
    const visit = await request();
    const refused = await decideOnVisit(app.ctx, person("d.shah"), visit.id, { outcome: "approve" });
    expect(!refused.ok && refused.error.code).toBe("not-an-approver");
    expect(!refused.ok && refused.error.message).toMatch(
      /Only the Designated Safeguarding Lead, a deputy DSL or the headteacher/,
    );
    expect((await app.ctx.store.getVisit(visit.id))?.status).toBe("requested");
  });

  it("needs a safeguarding lead for a safeguarding visit", async () => {
    const visit = await request({ purposeId: "safeguarding_concern" });
    const byHead = await decideOnVisit(app.ctx, person("c.morgan"), visit.id, { outcome: "approve" });
    expect(!byHead.ok && byHead.error.code).toBe("safeguarding-approver-required");
    expect((await decideOnVisit(app.ctx, person("b.hughes"), visit.id, { outcome: "approve" })).ok).toBe(true);
  });

  it("lets one decision win when two approvers press at once, and tells the other who decided", async () => {
    const visit = await request();
    const [a, b] = await Promise.all([
      decideOnVisit(app.ctx, person("a.okafor"), visit.id, { outcome: "approve" }),
      decideOnVisit(app.ctx, person("c.morgan"), visit.id, { outcome: "decline", reason: "Not needed" }),
    ]);
    expect([a.ok, b.ok].filter(Boolean)).toHaveLength(1);
    const loser = a.ok ? b : a;
    expect(!loser.ok && loser.error.code).toBe("already-decided");
    expect(!loser.ok && loser.error.message).toMatch(/by (Ada Okafor|Carys Morgan)/);
  });

  it("declines only with a reason, and the requester hears it", async () => {
    const visit = await request();
    const blank = await decideOnVisit(app.ctx, person("a.okafor"), visit.id, { outcome: "decline", reason: "  " });
    expect(!blank.ok && blank.error.message).toMatch(/reason/);
    await decideOnVisit(app.ctx, person("a.okafor"), visit.id, { outcome: "decline", reason: "Family have agreed to come in" });
    await app.flush();
    expect(
      chat
        .toUser("e.walsh")
        .map((m) => m.visibleText)
        .join("\n"),
    ).toMatch(/declined[\s\S]*Family have agreed to come in/);
    const updated = chat.sent.filter((m) => m.kind === "update");
    expect(updated.at(-1)?.visibleText).toMatch(/Declined\* by Ada Okafor/);
  });

  it("sends a lone visit back when the approver requires a pair", async () => {
    const visit = await request({ second: null });
    const result = await decideOnVisit(app.ctx, person("a.okafor"), visit.id, {
      outcome: "conditions",
      conditions: { requirePair: true },
    });
    expect(result.ok && result.value.status).toBe("changes_requested");
  });

  it("snapshots the policy at approval: later edits never change a running visit", async () => {
    const visit = await request();
    const approved = await decideOnVisit(app.ctx, person("a.okafor"), visit.id, { outcome: "approve" });
    if (!approved.ok) throw approved.error;
    const original = app.ctx.policy;
    app.ctx.policy = { ...original, version: "edited", checkIns: { ...original.checkIns, intervalMinutes: 60 } };
    try {
      const stored = await app.ctx.store.getVisit(visit.id);
      expect(stored?.policyVersion).toBe(original.version);
      expect(stored?.policy.checkIns.intervalMinutes).toBe(original.checkIns.intervalMinutes);
      expect((await app.ctx.store.listAudit(visit.id)).find((a) => a.action === "approved")?.detail.policyVersion).toBe(
        original.version,
      );
    } finally {
      app.ctx.policy = original;
    }
  });

  it("reminds the approvers when a request has waited, with how long", async () => {
    const waiting = await request();
    const decided = await request();
    await decideOnVisit(app.ctx, person("a.okafor"), decided.id, { outcome: "approve" });
    chat.clear();
    const about = (id: string) => chat.inChannel("approvals").filter((m) => m.message.text.includes(id));
    app.clock.advanceMinutes(29);
    await app.tick();
    expect(about(waiting.id)).toHaveLength(0);
    app.clock.advanceMinutes(2);
    await app.tick();
    expect(about(waiting.id).map((m) => m.message.text)).toEqual([
      expect.stringMatching(new RegExp(`${waiting.id} has been waiting for approval for 30 minutes`)),
    ]);
    expect(about(decided.id)).toHaveLength(0);
    app.clock.advanceMinutes(60);
    await app.tick();
    expect(about(waiting.id)).toHaveLength(1);
  });
});
