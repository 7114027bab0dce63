import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { applyRetention } from "../../src/app/use-cases/apply-retention.js";
import { exportRecords } from "../../src/app/use-cases/export-records.js";
import { submitRecord } from "../../src/app/use-cases/submit-record.js";
import { viewRecord } from "../../src/app/use-cases/view-record.js";
import { FakeChat, fakeChatAdapter } from "../support/fake-chat.js";
import { person, requestAndApprove, say } from "../support/flows.js";
import { startTestApp, type TestApp } from "../support/test-app.js";
import { SCHOOL_MORNING } from "../support/test-clock.js";

const chat = new FakeChat("console");
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({}, { adapters: [fakeChatAdapter(chat)] });
});
afterAll(async () => {
  await app.close();
});
// Each scenario starts on the same school morning.
beforeEach(() => app.clock.set(SCHOOL_MORNING));

const goodForm = {
  present: "Mother (parental responsibility) and grandmother",
  child_seen: "yes",
  safe_and_well: "yes",
  discussed: "Attendance since half term; mother said 'he won't get up'.",
  agreements: "Mother will bring him in tomorrow at 8:45",
};

async function visitBackAtSchool() {
  const visit = await requestAndApprove(app);
  await say(app, "e.walsh", visit.id, "leaving");
  app.clock.advanceMinutes(10);
  await say(app, "e.walsh", visit.id, "arrived");
  await say(app, "f.nowak", visit.id, "in");
  app.clock.advanceMinutes(15);
  await say(app, "e.walsh", visit.id, "left");
  app.clock.advanceMinutes(10);
  return say(app, "e.walsh", visit.id, "back");
}

describe("the Home Visit Form", () => {
  it("is asked for when staff are back, and says what to fix when it is incomplete", async () => {
    const visit = await visitBackAtSchool();
    expect(
      chat
        .toUser("e.walsh")
        .some((m) => m.message.blocks.some((b) => b.type === "actions" && b.actions[0]?.id === "record_open")),
    ).toBe(true);

    const missing = await submitRecord(app.ctx, person("e.walsh"), visit.id, { child_seen: "yes" });
    expect(missing.ok).toBe(false);
    expect(!missing.ok && "errors" in missing && missing.errors.map((e) => e.field)).toEqual(
      expect.arrayContaining(["present", "discussed", "safeAndWell"]),
    );

    const outOfOrder = await submitRecord(app.ctx, person("e.walsh"), visit.id, {
      ...goodForm,
      time_arrived: "11:30",
      time_entered: "11:10",
    });
    expect(!outOfOrder.ok && "errors" in outOfOrder && outOfOrder.errors).toContainEqual({
      field: "times.entered",
      message: "must not be before the time you arrived",
    });

    const tooLong = await submitRecord(app.ctx, person("e.walsh"), visit.id, { ...goodForm, discussed: "x".repeat(2001) });
    expect(!tooLong.ok && "errors" in tooLong && tooLong.errors[0]?.field).toBe("discussed");
  });

  it("goes to the restricted records channel only; the thread just hears it was completed", async () => {
    const visit = await visitBackAtSchool();
    chat.clear();
    const done = await submitRecord(app.ctx, person("e.walsh"), visit.id, goodForm);
    expect(done.ok).toBe(true);
    await app.flush();
    const records = chat.inChannel("records");
    expect(records).toHaveLength(1);
    expect(records[0]?.visibleText).toContain("Jamie Lee Smith");
    expect(records[0]?.visibleText).toContain("he won't get up");
    expect(records[0]?.visibleText).toContain("Submitted by Erin Walsh");
    const elsewhere = chat.sent.filter((m) => !(m.target?.kind === "channel" && m.target.channel === "records"));
    expect(elsewhere.map((m) => m.message.text)).toEqual(["Record completed."]);
    expect((await app.ctx.store.getVisit(visit.id))?.status).toBe("closed");
  });

  it("alerts the safeguarding leads at once when a concern is ticked", async () => {
    const visit = await visitBackAtSchool();
    chat.clear();
    const done = await submitRecord(app.ctx, person("f.nowak"), visit.id, {
      ...goodForm,
      safeguarding_concern: "true",
      concerns: "Bruise on the child's arm; explanation changed twice.",
    });
    expect(done.ok).toBe(true);
    await app.flush();
    for (const lead of ["a.okafor", "b.hughes"]) {
      const alerts = chat.toUser(lead);
      expect(alerts).toHaveLength(1);
      expect(alerts[0]?.visibleText).toMatch(/Safeguarding concern/);
      expect(alerts[0]?.visibleText).toContain("Bruise on the child's arm");
    }
  });

  it("keeps corrections as new entries: the first version is never overwritten", async () => {
    const visit = await visitBackAtSchool();
    await submitRecord(app.ctx, person("e.walsh"), visit.id, goodForm);
    const corrected = await submitRecord(app.ctx, person("e.walsh"), visit.id, {
      ...goodForm,
      agreements: "Mother will bring him in on Thursday",
    });
    expect(corrected.ok).toBe(true);
    const records = await app.ctx.store.listRecords(visit.id);
    expect(records).toHaveLength(2);
    expect(records[0]?.form.agreements).toBe("Mother will bring him in tomorrow at 8:45");
    expect(records[1]?.supersedes).toBe(records[0]?.id);
    expect((await app.ctx.store.listAudit(visit.id)).map((a) => a.action)).toEqual(
      expect.arrayContaining(["record_submitted", "record_corrected"]),
    );
  });

  it("can only be completed by the staff who made the visit", async () => {
    const visit = await visitBackAtSchool();
    const refused = await submitRecord(app.ctx, person("d.shah"), visit.id, goodForm);
    expect(!refused.ok && "error" in refused && refused.error.code).toBe("not-allowed");
  });
});

describe("reading and exporting records", () => {
  it("shows a record to the pair and the safeguarding leads, refuses everyone else, and audits both", async () => {
    const visit = await visitBackAtSchool();
    await submitRecord(app.ctx, person("e.walsh"), visit.id, goodForm);
    const byDsl = await viewRecord(app.ctx, person("a.okafor"), visit.id);
    expect(
      byDsl.ok &&
        byDsl.value.blocks.some((b) => b.type === "fields" && b.fields.some((f) => f.value.includes("Jamie Lee Smith"))),
    ).toBe(true);
    expect((await viewRecord(app.ctx, person("f.nowak"), visit.id)).ok).toBe(true);
    const byOffice = await viewRecord(app.ctx, person("d.shah"), visit.id);
    expect(!byOffice.ok && byOffice.error.code).toBe("not-allowed");
    const audit = await app.ctx.store.listAudit(visit.id);
    expect(audit.filter((a) => a.action === "record_viewed").map((a) => a.actor)).toEqual(["Ada Okafor", "Filip Nowak"]);
    expect(audit.filter((a) => a.action === "record_view_refused").map((a) => a.actor)).toEqual(["Dev Shah"]);
  });

  it("exports visits and outcomes with their audit trail for the DSL, as CSV and JSON", async () => {
    const visit = await visitBackAtSchool();
    await submitRecord(app.ctx, person("e.walsh"), visit.id, goodForm);
    const refused = await exportRecords(app.ctx, person("e.walsh"), "2026-11-01", "2026-11-30");
    expect(!refused.ok && refused.error.code).toBe("not-allowed");
    const bad = await exportRecords(app.ctx, person("a.okafor"), "1 Nov", "2026-11-30");
    expect(!bad.ok && bad.error.message).toMatch(/YYYY-MM-DD/);

    const result = await exportRecords(app.ctx, person("a.okafor"), "2026-11-01", "2026-11-30");
    if (!result.ok) throw result.error;
    const [header, ...rows] = result.value.csv.trim().split("\r\n");
    expect(header).toMatch(/^Visit ID,Pupil,MIS ID,Address,Purpose,Date,Status/);
    const row = rows.find((r) => r.startsWith(visit.id));
    expect(row).toContain("Jamie Lee Smith");
    expect(row).toContain("Attendance since half term; mother said 'he won't get up'.");
    expect(row).toMatch(/Erin Walsh \(console\) requested/);
    const json = JSON.parse(result.value.json) as { visits: { visitId: string; audit: { action: string }[] }[] };
    expect(json.visits.find((v) => v.visitId === visit.id)?.audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(["requested", "approved", "left_school", "returned", "record_submitted"]),
    );
  });

  it("reminds the lead, then the DSL, while the form is missing", async () => {
    const visit = await visitBackAtSchool();
    chat.clear();
    app.clock.advanceMinutes(61);
    await app.tick();
    expect(
      chat
        .toUser("e.walsh")
        .map((m) => m.visibleText)
        .join(),
    ).toMatch(/Reminder: the Home Visit Form for .* is still missing/);
    expect(chat.toUser("a.okafor")).toHaveLength(0);
    app.clock.advanceMinutes(24 * 60);
    await app.tick();
    expect(
      chat
        .toUser("a.okafor")
        .map((m) => m.visibleText)
        .join(),
    ).toContain(visit.id);
    await submitRecord(app.ctx, person("e.walsh"), visit.id, goodForm);
  });
});

describe("the nothing-leaks rule", () => {
  it("never names the pupil, the address or the outcome in the general visits channel or its threads", () => {
    const general = chat.everInChannel("visits");
    expect(general.length).toBeGreaterThan(0);
    for (const message of general) {
      expect(message.visibleText).not.toContain("Jamie");
      expect(message.visibleText).not.toContain("Orchard Way");
      expect(message.visibleText).not.toContain("A123");
      expect(message.visibleText).not.toContain("he won't get up");
      expect(message.visibleText).not.toContain("bluebell");
    }
  });
});

describe("retention", () => {
  it("anonymises a visit past the policy's retention period and records that it did", async () => {
    const visit = await visitBackAtSchool();
    await submitRecord(app.ctx, person("e.walsh"), visit.id, goodForm);
    expect(await applyRetention(app.ctx)).not.toContain(visit.id);
    app.clock.advanceMinutes(26 * 366 * 24 * 60);
    const anonymised = await applyRetention(app.ctx);
    expect(anonymised).toContain(visit.id);
    const aged = await app.ctx.store.getVisit(visit.id);
    expect(JSON.stringify(aged?.request)).not.toContain("Jamie");
    expect(JSON.stringify(aged?.request)).not.toContain("Orchard Way");
    expect(await app.ctx.store.listRecords(visit.id)).toEqual([]);
    const audit = await app.ctx.store.listAudit(visit.id);
    expect(audit.map((a) => a.action)).toContain("approved");
    expect(audit.every((a) => Object.keys(a.detail).length === 0)).toBe(true);
    expect(await applyRetention(app.ctx)).toEqual([]);
  });
});
