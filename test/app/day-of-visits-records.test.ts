import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportRecords } from "../../src/app/use-cases/export-records.js";
import { submitRecord } from "../../src/app/use-cases/submit-record.js";
import { FakeChat, fakeChatAdapter } from "../support/fake-chat.js";
import { person, requestAndApprove, say } from "../support/flows.js";
import { startTestApp, type TestApp } from "../support/test-app.js";
import { SCHOOL_MORNING } from "../support/test-clock.js";

/** A day of induction visits (default policy: induction takes up to 6 homes) through the use cases. */
const chat = new FakeChat("console");
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({}, { adapters: [fakeChatAdapter(chat)] });
  app.clock.set(SCHOOL_MORNING);
});
afterAll(async () => {
  await app.close();
});

const form = { present: "Father", child_seen: "yes", safe_and_well: "yes", discussed: "Starting school in January" };

describe("a day of visits, in the audit trail and the export", () => {
  it("audits next and the skipped homes, keeps a correction to one home's form apart, and exports a row per home", async () => {
    const visit = await requestAndApprove(app, {
      purposeId: "induction",
      durationMinutes: 90,
      expectedReturn: new Date("2026-11-24T12:30:00.000Z"),
      furtherStops: "11:40, Sam Jones, 4 Elm Road, Leeds LS1 2CD\n12:10, Priya Shah, 9 Birch Close, Leeds LS2 3EF",
    } as Parameters<typeof requestAndApprove>[1]);
    // The office is sent the whole plan (the default policy's stops.planNotify).
    expect(
      chat
        .toUser("d.shah")
        .map((m) => m.visibleText)
        .join("\n"),
    ).toMatch(/4 Elm Road[\s\S]*9 Birch Close/);

    app.clock.set(new Date("2026-11-24T11:00:00.000Z"));
    await say(app, "e.walsh", visit.id, "leaving");
    await say(app, "e.walsh", visit.id, "arrived");
    await say(app, "e.walsh", visit.id, "in");
    app.clock.advanceMinutes(30);
    await say(app, "e.walsh", visit.id, "left");
    await say(app, "f.nowak", visit.id, "next house");
    app.clock.advanceMinutes(10);
    await say(app, "e.walsh", visit.id, "arrived");
    app.clock.advanceMinutes(20);
    await say(app, "e.walsh", visit.id, "left");
    app.clock.advanceMinutes(15);
    const back = await say(app, "e.walsh", visit.id, "back");
    expect(back.status).toBe("returned");

    const audit = await app.ctx.store.listAudit(visit.id);
    expect(audit.find((a) => a.action === "next_stop")?.detail).toMatchObject({ stop: 2 });
    expect(audit.find((a) => a.action === "returned")?.detail).toMatchObject({ skippedStops: [3] });

    for (const stop of [1, 2]) {
      const saved = await submitRecord(app.ctx, person("e.walsh"), `${visit.id}/${stop}`, form);
      expect(saved.ok).toBe(true);
    }
    const corrected = await submitRecord(app.ctx, person("e.walsh"), `${visit.id}/1`, { ...form, present: "Father and aunt" });
    expect(corrected.ok && corrected.visit.status).toBe("closed");
    const records = await app.ctx.store.listRecords(visit.id);
    expect(records.map((r) => (r.form as { stop?: number }).stop)).toEqual([1, 2, 1]);
    // The correction supersedes stop 1's form, not the newest form of the day (stop 2's).
    expect(records[2]?.supersedes).toBe(records[0]?.id);

    const exported = await exportRecords(app.ctx, "command-line", "2026-11-24", "2026-11-24");
    if (!exported.ok) throw exported.error;
    const rows = exported.value.visits.filter((v) => v.visitId.startsWith(visit.id));
    expect(rows.map((r) => [r.visitId, r.pupilName, r.address, r.status, r.outcome?.present ?? null])).toEqual([
      [`${visit.id}/1`, "Jamie Lee Smith", "12 Orchard Way, Salford M5 4AB", "closed", "Father and aunt"],
      [`${visit.id}/2`, "Sam Jones", "4 Elm Road, Leeds LS1 2CD", "closed", "Father"],
      [`${visit.id}/3`, "Priya Shah", "9 Birch Close, Leeds LS2 3EF", "skipped", null],
    ]);
  });
});
