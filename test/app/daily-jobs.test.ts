import { afterEach, describe, expect, it } from "vitest";
import { runRetentionOnce, scheduleDailyJobs, schoolDay } from "../../src/daily-jobs.js";
import { startTestApp, type TestApp } from "../support/test-app.js";
import { createTestDatabase, testDatabaseUrl } from "../support/test-database.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe("daily jobs", () => {
  it("retention runs at 02:30 in the school's time zone, not the server's", () => {
    const ctx = { policy: { school: { timezone: "Europe/London" } } } as unknown as TestApp["ctx"];
    const task = scheduleDailyJobs(ctx, "instance");
    try {
      const next = task.getNextRun();
      expect(next).not.toBeNull();
      const london = new Intl.DateTimeFormat("en-GB", {
        timeZone: "Europe/London",
        hour: "2-digit",
        minute: "2-digit",
        hour12: false,
      });
      expect(london.format(next as Date)).toBe("02:30");
    } finally {
      void task.stop();
    }
    // Just after midnight in London is still the day before in UTC in summer: the school's day counts.
    expect(schoolDay(new Date("2026-07-01T23:30:00.000Z"), "Europe/London")).toBe("2026-07-02");
  });

  it.skipIf(!testDatabaseUrl())("runs once across two instances firing at the same time, and once per school day", async () => {
    const db = await createTestDatabase("2026-11-24T02:30:00.000Z");
    cleanups.push(() => db.drop());
    const a = await startTestApp({}, { db });
    cleanups.push(() => a.stop());
    const b = await startTestApp({}, { db: { ...db, store: await db.openAnother() } });
    cleanups.push(() => b.stop());
    const ran = await Promise.all([runRetentionOnce(a.ctx, a.instance), runRetentionOnce(b.ctx, b.instance)]);
    expect(ran.filter(Boolean)).toHaveLength(1);
    // A second later (a slower clock) it is already done for today.
    expect(await runRetentionOnce(b.ctx, b.instance)).toBe(false);
    const audit = (await a.ctx.store.listAudit(null)).filter((entry) => entry.action === "retention_applied");
    expect(audit.length).toBeLessThanOrEqual(1);
    expect(await db.query(`SELECT job, day FROM "DailyJobRun"`)).toEqual([{ job: "retention", day: "2026-11-24" }]);
    db.clock.set("2026-11-25T02:30:00.000Z");
    expect(await runRetentionOnce(a.ctx, a.instance)).toBe(true);
  });
});
