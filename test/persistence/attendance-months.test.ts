import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ParsedDay } from "../../src/domain/attendance/parse-register.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

const pupil = { pupilId: "A1", name: "Ava Jones" };
const day = (d: string, am: string | null, pm: string | null, kind: ParsedDay["kind"]): ParsedDay => ({
  pupilId: "A1",
  day: d,
  am,
  pm,
  kind,
});

describe("the register kept a row per pupil and month", () => {
  it("a later import replaces the days it has and keeps the month's others; another school's register is its own", async () => {
    const attendance = db.store.attendance;
    const other = db.storeFor("other").attendance;
    const at = new Date("2026-11-20T09:00:00Z");
    await attendance.saveRegister({
      pupils: [pupil],
      days: [
        day("2026-10-30", "/", "/", "present"),
        day("2026-11-02", "/", "/", "present"),
        day("2026-11-03", "/", "N", "present"),
      ],
      source: "csv",
      at,
    });
    await other.saveRegister({ pupils: [pupil], days: [day("2026-12-01", "C", "C", "authorised")], source: "csv", at });
    const written: number[] = [];
    await attendance.saveRegister(
      {
        pupils: [pupil],
        days: [day("2026-11-03", "N", "N", "no_contact"), day("2026-11-04", "N", null, "no_contact")],
        source: "csv",
        at,
      },
      (n) => written.push(n),
    );
    expect(written.at(-1)).toBe(3); // the pupil, then two days
    expect(await attendance.latestDay()).toBe("2026-11-04");
    expect(await other.latestDay()).toBe("2026-12-01");
    expect((await attendance.registerSince("2026-10-01")).get("A1")).toEqual([
      { day: "2026-10-30", kind: "present" },
      { day: "2026-11-02", kind: "present" },
      { day: "2026-11-03", kind: "no_contact" },
      { day: "2026-11-04", kind: "no_contact" },
    ]);
    expect((await attendance.registerSince("2026-11-03")).get("A1")?.map((d) => d.day)).toEqual(["2026-11-03", "2026-11-04"]);
    const stored = await db.query<{ marks: string }>(
      `SELECT marks FROM "AttendanceMonth" WHERE "schoolId" = 'default' AND month = '2026-11'`,
    );
    expect(stored.map((r) => r.marks)).toEqual(["02\t/\t/\tpresent\n03\tN\tN\tno_contact\n04\tN\t\tno_contact"]);
  });

  it("retention removes the days before its date, within a month too, and counts them", async () => {
    const removed = await db.store.attendance.removeExpired(new Date("2026-11-03T00:00:00Z"));
    expect(removed.days).toBe(2);
    expect((await db.store.attendance.registerSince("2026-01-01")).get("A1")?.map((d) => d.day)).toEqual([
      "2026-11-03",
      "2026-11-04",
    ]);
    expect(await db.storeFor("other").attendance.latestDay()).toBe("2026-12-01");
    const all = await db.store.attendance.removeExpired(new Date("2026-12-01T00:00:00Z"));
    expect(all.days).toBe(2);
    expect(await db.store.attendance.latestDay()).toBeNull();
  });
});
