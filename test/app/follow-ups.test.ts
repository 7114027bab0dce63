import { afterEach, describe, expect, it } from "vitest";
import { askFollowUps } from "../../src/app/attendance/follow-ups.js";
import { pressButton } from "../../src/app/interactions/press-button.js";
import { decideOnVisit } from "../../src/app/use-cases/decide-visit.js";
import { exportRecords } from "../../src/app/use-cases/export-records.js";
import { requestVisit } from "../../src/app/use-cases/request-visit.js";
import { submitRecord } from "../../src/app/use-cases/submit-record.js";
import { person, say } from "../support/flows.js";
import { startTestApp, type TestApp } from "../support/test-app.js";
import { demoRequestInput } from "../support/visit-fixtures.js";

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe("agreements and their follow-ups (Morecambe Road: 14 days)", () => {
  it("asks the lead about each agreement after the policy's days; 'Not kept' gives the letter draft and a follow-up visit; the export carries them", async () => {
    app = await startTestApp({ POLICY_FILE: "policies/morecambe-road.yaml" });
    const requested = await requestVisit(app.ctx, person("e.walsh"), demoRequestInput());
    if (!requested.ok) throw new Error(JSON.stringify(requested.errors));
    const approved = await decideOnVisit(app.ctx, person("c.morgan"), requested.visit.id, { outcome: "approve" });
    expect(approved.ok).toBe(true);
    const id = requested.visit.id;
    await say(app, "e.walsh", id, "leaving");
    await say(app, "e.walsh", id, "back");
    const saved = await submitRecord(app.ctx, person("e.walsh"), id, {
      present: "Mother",
      child_seen: "yes",
      safe_and_well: "yes",
      discussed: "Attendance since October",
      agreements: "- Jamie attends every day\n- Mother phones by 9am if Jamie is ill",
    });
    expect(saved.ok).toBe(true);

    // 13 days on: nothing yet. 14 days on: one question per agreement, to the lead, once.
    app.clock.advanceMinutes(13 * 24 * 60);
    expect(await askFollowUps(app.ctx)).toBe(0);
    app.clock.advanceMinutes(24 * 60);
    expect(await askFollowUps(app.ctx)).toBe(2);
    expect(await askFollowUps(app.ctx)).toBe(0);
    const asked = await app.db.query<{ target: { staffId: string }; message: unknown }>(
      `SELECT target, message FROM "Outbox" WHERE message::text LIKE '%Has it been kept?%' ORDER BY seq`,
    );
    expect(asked.map((row) => row.target.staffId)).toEqual(["e.walsh", "e.walsh"]);
    expect(JSON.stringify(asked[0]?.message)).toContain("Jamie attends every day");

    const [first, second] = await app.ctx.store.attendance.listFollowUps(id);
    const kept = await pressButton(app.ctx, person("e.walsh"), { actionId: "followup_kept", visitId: second?.id ?? "" });
    expect(kept.kind).toBe("done");
    const notKept = await pressButton(app.ctx, person("e.walsh"), { actionId: "followup_not_kept", visitId: first?.id ?? "" });
    expect(JSON.stringify(notKept)).toMatch(/Dear Parent\/Carer of Jamie Lee Smith[\s\S]*Jamie attends every day/);
    expect(JSON.stringify(notKept)).toMatch(/followup_request_visit/);
    const again = await pressButton(app.ctx, person("e.walsh"), { actionId: "followup_not_kept", visitId: first?.id ?? "" });
    expect(again).toMatchObject({ kind: "refused", code: "already-decided" });
    const office = await app.db.query<{ message: unknown }>(
      `SELECT message FROM "Outbox" WHERE target->>'staffId' = 'd.shah' AND message::text LIKE '%Dear Parent%'`,
    );
    expect(office).toHaveLength(1);
    const stranger = await pressButton(app.ctx, person("d.shah"), { actionId: "followup_kept", visitId: first?.id ?? "" });
    expect(stranger).toMatchObject({ kind: "refused", code: "not-allowed" });

    const visitForm = await pressButton(app.ctx, person("e.walsh"), {
      actionId: "followup_request_visit",
      visitId: first?.id ?? "",
    });
    const fields = visitForm.kind === "form" ? visitForm.form.fields : [];
    expect(fields.find((f) => f.id === "pupil_name")?.initial).toBe("Jamie Lee Smith");
    expect(fields.find((f) => f.id === "purpose")?.initial).toBe("attendance_follow_up");

    const exported = await exportRecords(app.ctx, "command-line", "2026-11-01", "2026-11-30");
    if (!exported.ok) throw exported.error;
    expect(exported.value.visits[0]?.agreements).toEqual([
      {
        agreement: "Jamie attends every day",
        followUp: expect.objectContaining({ state: "not_kept", answeredBy: "Erin Walsh" }),
      },
      { agreement: "Mother phones by 9am if Jamie is ill", followUp: expect.objectContaining({ state: "kept" }) },
    ]);
    expect(exported.value.csv).toContain("Jamie attends every day: not kept (Erin Walsh)");
  });
});
