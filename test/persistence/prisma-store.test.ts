import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Store } from "../../src/app/ports.js";
import { loadPolicyFile } from "../../src/config/load-school.js";
import { hashCodeWord } from "../../src/domain/code-word.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";
import { demoVisit } from "../support/visit-fixtures.js";

const policy = loadPolicyFile("policies/default.yaml");
let db: TestDatabase;
let store: Store;
let codeWordHash = "";

beforeAll(async () => {
  db = await createTestDatabase();
  store = db.store;
  codeWordHash = await hashCodeWord("bluebell");
});
afterAll(async () => {
  await db.drop();
});

const newVisit = (id: string) => demoVisit(id, { codeWordHash, policy });

describe(`the store on ${process.env.TEST_DATABASE_URL || process.env.DATABASE_URL ? "PostgreSQL" : "PGlite"}`, () => {
  it("saves a visit and reads back the same domain object", async () => {
    const visit = newVisit("HV-STORE1");
    await store.inTransaction((tx) => tx.insertVisit(visit));
    const loaded = await store.getVisit("HV-STORE1");
    expect(loaded).toMatchObject({
      id: "HV-STORE1",
      status: "requested",
      version: 0,
      warnings: visit.warnings,
      policyVersion: policy.version,
    });
    expect(loaded?.request.plannedStart).toEqual(visit.request.plannedStart);
    expect(loaded?.request.pupil.name).toBe("Jamie Lee Smith");
    expect(JSON.stringify(loaded)).not.toContain("bluebell");
  });

  it("refuses a save made from a stale read: two approvers cannot both win", async () => {
    await store.inTransaction((tx) => tx.insertVisit(newVisit("HV-STORE2")));
    const read = await store.getVisit("HV-STORE2");
    if (!read) throw new Error("missing");
    const first = await store.inTransaction((tx) => tx.updateVisit({ ...read, status: "approved" }));
    const second = await store.inTransaction((tx) => tx.updateVisit({ ...read, status: "declined" }));
    expect(first?.version).toBe(1);
    expect(second).toBeNull();
    expect((await store.getVisit("HV-STORE2"))?.status).toBe("approved");
  });

  it("keeps the audit trail in order and refuses to change it", async () => {
    await store.inTransaction((tx) => tx.insertVisit(newVisit("HV-STORE3")));
    const at = new Date("2026-11-24T10:00:00.000Z");
    await store.appendAudit({
      visitId: "HV-STORE3",
      at,
      actorId: "e.walsh",
      actor: "Erin Walsh",
      platform: "slack",
      action: "requested",
    });
    await store.appendAudit({
      visitId: "HV-STORE3",
      at,
      actorId: "a.okafor",
      actor: "Ada Okafor",
      platform: "teams",
      action: "approved",
    });
    const audit = await store.listAudit("HV-STORE3");
    expect(audit.map((a) => [a.actor, a.platform, a.action])).toEqual([
      ["Erin Walsh", "slack", "requested"],
      ["Ada Okafor", "teams", "approved"],
    ]);
  });

  it("hands each due timer to one worker, and only when due", async () => {
    await store.inTransaction(async (tx) => {
      await tx.insertVisit(newVisit("HV-TIMER"));
      await tx.setSafetyTimer("HV-TIMER", new Date("2026-11-24T10:20:00.000Z"));
    });
    const seen: string[] = [];
    expect(await store.processDueTimers(new Date("2026-11-24T10:19:59.000Z"), 10, async (_tx, t) => void seen.push(t.id))).toBe(
      0,
    );
    const count = await store.processDueTimers(new Date("2026-11-24T10:20:00.000Z"), 10, async (tx, t) => {
      seen.push(t.id);
      await tx.setSafetyTimer(t.visitId, null);
    });
    expect(count).toBe(1);
    expect(seen).toEqual(["HV-TIMER:safety"]);
    expect(await store.processDueTimers(new Date("2026-11-24T11:00:00.000Z"), 10, async () => {})).toBe(0);
  });

  it("keeps outbox messages until delivered, and gives a crashed sender's messages back after the lease", async () => {
    const now = new Date("2026-11-24T10:00:00.000Z");
    await store.inTransaction((tx) =>
      tx.enqueue(
        [
          {
            visitId: null,
            platform: "console",
            target: { kind: "channel", role: "alerts" },
            message: { text: "hello", blocks: [] },
            critical: true,
          },
        ],
        now,
      ),
    );
    const claimed = await store.claimOutbox(now, 10, 30_000, "instance-a");
    expect(claimed.map((m) => m.message.text)).toEqual(["hello"]);
    expect(await store.claimOutbox(now, 10, 30_000, "instance-b")).toEqual([]);
    const later = new Date(now.getTime() + 31_000);
    const reclaimed = await store.claimOutbox(later, 10, 30_000, "instance-b");
    expect(reclaimed.map((m) => m.id)).toEqual(claimed.map((m) => m.id));
    await store.markDelivered(reclaimed[0]?.id ?? "", { ts: "1" }, later);
    expect(await store.claimOutbox(new Date(later.getTime() + 60_000), 10, 30_000, "instance-c")).toEqual([]);
  });

  it("finds a visit by where its thread lives on a platform, and by a second thread linked to it", async () => {
    await store.inTransaction((tx) => tx.insertVisit(newVisit("HV-THREAD")));
    await store.saveMessageRef("HV-THREAD", "slack", "thread", { channel: "C1", ts: "1700000000.000100" });
    expect((await store.findVisitByThread("slack", "C1", "1700000000.000100"))?.id).toBe("HV-THREAD");
    expect(await store.findVisitByThread("teams", "C1", "1700000000.000100")).toBeNull();
    expect(await store.findVisitByThread("slack", "C2", "1700000000.000100")).toBeNull();
    // A Teams thread's conversation id carries its root; the channel is what comes before it.
    await store.saveMessageRef("HV-THREAD", "teams", "thread", { channel: "19:v@thread.tacv2;messageid=9", id: "9" });
    expect((await store.findVisitByThread("teams", "19:v@thread.tacv2", "9"))?.id).toBe("HV-THREAD");
    await store.linkThread("slack", "C1", "1700000000.000999", "HV-THREAD");
    expect((await store.findVisitByThread("slack", "C1", "1700000000.000999"))?.id).toBe("HV-THREAD");
    expect(await store.getMessageRef("HV-THREAD", "slack", "thread")).toEqual({ channel: "C1", ts: "1700000000.000100" });
  });
});
