import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { evaluateTriggers } from "../../src/app/attendance/evaluate-triggers.js";
import { importRegister } from "../../src/app/attendance/import-register.js";
import { pressButton } from "../../src/app/interactions/press-button.js";
import { applyRetention } from "../../src/app/use-cases/apply-retention.js";
import { openRecordForm } from "../../src/app/use-cases/submit-record.js";
import { loadRegisterMappingFile } from "../../src/config/load-school.js";
import { person, requestAndApprove, say } from "../support/flows.js";
import { schoolDays, simsCsv } from "../support/register-csv.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const mapping = loadRegisterMappingFile("attendance/mappings/default.yaml");
let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function outbox(a: TestApp): Promise<{ target: { kind: string; staffId?: string; role?: string }; text: string }[]> {
  const rows = await a.db.query<{ target: { kind: string }; message: unknown }>(
    `SELECT target, message FROM "Outbox" ORDER BY seq`,
  );
  return rows.map((row) => ({ target: row.target, text: JSON.stringify(row.message) }));
}
const importCsv = (a: TestApp, csv: string) =>
  importRegister(a.ctx, "command-line", { name: "register.csv", read: async () => csv }, { mapping });

describe('"We called today"', () => {
  it("nobody answers: the pair, and only they, get the school's card privately, printable, and it is on the form", async () => {
    app = await startTestApp({ POLICY_FILE: "policies/lincolnshire.yaml" });
    const visit = await requestAndApprove(app);
    await say(app, "e.walsh", visit.id, "leaving");
    await say(app, "e.walsh", visit.id, "no answer");
    await say(app, "f.nowak", visit.id, "no answer");
    const cards = (await outbox(app)).filter((m) => m.text.includes("SORRY WE MISSED YOU"));
    expect(cards.map((m) => m.target)).toEqual([
      { kind: "dm", staffId: "e.walsh" },
      { kind: "dm", staffId: "f.nowak" },
    ]);
    expect(cards[0]?.text).toContain("Child's name: Jamie Lee Smith");
    expect(cards[0]?.text).toContain("School office: 01754 810241");
    expect(cards[0]?.text).toContain("attendance@burghschool.org.uk");
    expect((await app.ctx.store.listAudit(visit.id)).map((a) => a.action)).toContain("we_called_card");

    const printed = await pressButton(app.ctx, person("f.nowak"), { actionId: "we_called_print", visitId: visit.id });
    expect(printed.kind).toBe("done");
    // PUBLIC_URL is not set in tests: the links' path, on the test server.
    const origin = app.url;
    const links = (JSON.stringify(printed).match(/http:\/\/[^"]+\/downloads\/[^"]+/g) ?? []).map((l) =>
      l.replace(/^http:\/\/[^/]+/, origin),
    );
    expect(links).toHaveLength(2);
    const html = await (await fetch(links[0] as string)).text();
    expect(html).toContain("Jamie Lee Smith");
    expect(html).toContain("If we do not hear from you promptly");
    const pdf = Buffer.from(await (await fetch(links[1] as string)).arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    const stranger = await pressButton(app.ctx, person("d.shah"), { actionId: "we_called_print", visitId: visit.id });
    expect(stranger).toMatchObject({ kind: "refused", code: "not-allowed" });

    await say(app, "e.walsh", visit.id, "back");
    const form = await openRecordForm(app.ctx, person("e.walsh"), visit.id);
    const fields = form.ok ? form.form.fields : [];
    expect(fields.find((f) => f.id === "we_called_card")?.initial).toBe("true");
    expect(fields.find((f) => f.id === "we_called_time")?.initial).toBe("10:00");
  });

  it("a school whose policy has no card sends none", async () => {
    app = await startTestApp();
    const visit = await requestAndApprove(app);
    await say(app, "e.walsh", visit.id, "leaving");
    await say(app, "e.walsh", visit.id, "no answer");
    expect((await outbox(app)).some((m) => m.text.includes("SORRY WE MISSED YOU"))).toBe(false);
  });
});

describe("the must-see reminder and retention", () => {
  it("reminds once each school day until dismissed; survives a restart (rows, not memory); retention removes the pupil", async () => {
    app = await startTestApp({ POLICY_FILE: "policies/lincolnshire.yaml" }, { start: "2026-11-24T10:00:00Z" });
    const days = schoolDays("2026-11-02", 17);
    const pupil = { upn: "A123", name: "Jamie Lee Smith", marks: Object.fromEntries(days.slice(-6).map((d) => [d, "I"])) };
    expect(await importCsv(app, simsCsv([pupil], days))).toMatchObject({ ok: true, summary: { triggers: 1 } });
    expect(await evaluateTriggers(app.ctx)).toMatchObject({ fired: [], reminded: 0 });
    // Wednesday: still ill, still not seen: one reminder, however often the job looks.
    app.clock.set("2026-11-25T10:00:00Z");
    const wednesday = schoolDays("2026-11-02", 18);
    await importCsv(app, simsCsv([{ ...pupil, marks: { ...pupil.marks, "2026-11-25": "I" } }], wednesday));
    expect((await app.ctx.store.attendance.listTriggers({ kind: "must_see" }))[0]?.remindedOn).toBe("2026-11-25");
    expect(await evaluateTriggers(app.ctx)).toMatchObject({ reminded: 0 });
    const reminders = (await outbox(app)).filter((m) => m.text.includes("Reminder: *A home visit must take place"));
    expect(reminders.map((m) => m.target.staffId).sort()).toEqual(["a.okafor", "f.nowak"]);
    // Dismissed with a reason: Thursday brings no reminder.
    const trigger = (await app.ctx.store.attendance.listTriggers({ kind: "must_see" }))[0];
    const dismissed = await pressButton(app.ctx, person("a.okafor"), {
      actionId: "attendance_dismiss",
      visitId: trigger?.id ?? "",
      inputs: { reason: "Seen by the school nurse at home" },
    });
    expect(dismissed.kind).toBe("done");
    app.clock.set("2026-11-26T10:00:00Z");
    expect(await evaluateTriggers(app.ctx)).toMatchObject({ fired: [], reminded: 0 });
    // 25 years on (the policy's retention), the pupil's data is gone.
    app.clock.set("2051-12-01T02:30:00Z");
    await applyRetention(app.ctx);
    expect(await app.ctx.store.attendance.getPupil("A123")).toBeNull();
    expect(await app.ctx.store.attendance.latestDay()).toBeNull();
    expect(await app.ctx.store.attendance.listTriggers({})).toEqual([]);
  });
});

describe("npm run attendance:import", () => {
  it("reports a bad row by its line and saves nothing; a good file is imported with progress shown", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hv-import-"));
    try {
      const days = schoolDays("2026-11-02", 5);
      const good = simsCsv([{ upn: "A1", name: "Sam Green" }], days);
      const lines = good.split("\n");
      lines[3] = (lines[3] ?? "").replace("02/11/2026", "31/02/2026").replace(/\d\d\/11\/2026/, "31/02/2026");
      writeFileSync(join(dir, "bad.csv"), lines.join("\n"));
      writeFileSync(join(dir, "good.csv"), good);
      const env = { ...process.env, DATABASE_URL: "", TEST_DATABASE_URL: "", DATA_DIR: join(dir, "data"), LOG_LEVEL: "silent" };
      const run = (file: string) =>
        spawnSync(process.execPath, ["--import", "tsx", "scripts/attendance-import.ts", join(dir, file)], {
          env,
          encoding: "utf8",
        });
      const bad = run("bad.csv");
      expect(bad.status).toBe(1);
      expect(bad.stderr).toMatch(/bad.csv was not imported \(nothing was saved\)[\s\S]*line 4: "31\/02\/2026" is not a date/);
      const ok = run("good.csv");
      expect(ok.stderr).toMatch(/reading: 10 rows/);
      expect(ok.stderr).toMatch(/saving: 6 of 6\nlooking at the attendance triggers/);
      expect(ok.stdout).toMatch(/Imported good.csv: 1 pupils, 5 register days \(2026-11-02 to 2026-11-06\)/);
      expect(ok.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
