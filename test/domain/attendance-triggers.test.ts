import { describe, expect, it } from "vitest";
import { loadPolicyFile } from "../../src/config/load-school.js";
import type { RegisterDay } from "../../src/domain/attendance/episodes.js";
import { classifyMark, DFE_CODES, type MarkKind } from "../../src/domain/attendance/mark-codes.js";
import { triggersDue } from "../../src/domain/attendance/triggers-due.js";
import { schoolDays } from "../support/register-csv.js";

const lincolnshire = loadPolicyFile("policies/lincolnshire.yaml").attendance;
const morecambe = loadPolicyFile("policies/morecambe-road.yaml").attendance;
const defaults = loadPolicyFile("policies/default.yaml").attendance;

/** Present every school day, then `tail` absences (oldest first) ending on the last day. */
function register(tail: MarkKind[], before = 20): { days: RegisterDay[]; latest: string } {
  const dates = schoolDays("2026-11-02", before + tail.length);
  const kinds: MarkKind[] = [...Array(before).fill("present"), ...tail];
  return { days: dates.map((day, i) => ({ day, kind: kinds[i] as MarkKind })), latest: dates.at(-1) as string };
}
const kinds = (attendance: typeof lincolnshire, tail: MarkKind[]) => {
  const { days, latest } = register(tail);
  return triggersDue(attendance, days, latest, latest.slice(0, 7)).map((t) => `${t.kind}:${t.days.length}`);
};

describe("attendance triggers, Lincolnshire's numbers (day 1, 3, 6; 10 unauthorised days)", () => {
  it("day 1 with no contact tells the office to try phone, text and email", () => {
    expect(kinds(lincolnshire, ["no_contact"])).toEqual(["no_contact:1"]);
  });
  it("day 3 without successful contact suggests a safe-and-well visit", () => {
    expect(kinds(lincolnshire, ["no_contact", "no_contact", "no_contact"])).toEqual(["no_contact:3", "safe_and_well:3"]);
    expect(kinds(lincolnshire, ["no_contact", "no_contact"])).toEqual(["no_contact:2"]);
  });
  it("day 6 not seen means a visit must take place, also when the absence was explained (illness)", () => {
    expect(kinds(lincolnshire, Array(6).fill("authorised"))).toEqual(["must_see:6"]);
    expect(kinds(lincolnshire, Array(5).fill("authorised"))).toEqual([]);
  });
  it("a holiday is not 'not seen': the child's whereabouts are known", () => {
    expect(kinds(lincolnshire, Array(8).fill("away"))).toEqual([]);
  });
  it("10 consecutive unauthorised days is a PNAR reminder, with the dates", () => {
    const due = kinds(lincolnshire, Array(10).fill("unauthorised"));
    expect(due).toContain("pnar:10");
    expect(kinds(lincolnshire, Array(9).fill("unauthorised"))).not.toContain("pnar:9");
  });
  it("a pupil who came back is in no episode", () => {
    expect(kinds(lincolnshire, ["no_contact", "no_contact", "no_contact", "present"])).toEqual([]);
  });
});

describe("Morecambe Road: three months of falling attendance", () => {
  it("prompts once attendance fell three months in a row (complete months only)", () => {
    const days: RegisterDay[] = [];
    const month = (m: string, present: number, of: number) => {
      for (let d = 1; d <= of; d++)
        days.push({ day: `${m}-${String(d).padStart(2, "0")}`, kind: d <= present ? "present" : "unauthorised" });
    };
    month("2026-09", 20, 20);
    month("2026-10", 18, 20);
    month("2026-11", 16, 20);
    month("2026-12", 12, 20);
    const due = triggersDue(morecambe, days, "2026-12-20", "2027-01");
    expect(due.map((t) => t.kind)).toContain("falling_attendance");
    expect(due.find((t) => t.kind === "falling_attendance")?.episode).toBe("2026-09");
    // Two months of falls are not enough; Lincolnshire and the default have no such rule.
    expect(triggersDue(morecambe, days, "2026-12-20", "2026-12").map((t) => t.kind)).not.toContain("falling_attendance");
    expect(triggersDue(lincolnshire, days, "2026-12-20", "2027-01").map((t) => t.kind)).not.toContain("falling_attendance");
  });
  it("the default policy sets no day triggers at all", () => {
    expect(kinds(defaults, Array(12).fill("no_contact"))).toEqual([]);
  });
});

describe("mark codes", () => {
  it("reads the DfE codes, old and new, in any case", () => {
    expect(["/", "\\", "L", "n", "N", "O", "I", "G", "H", "X", "#", "C1"].map((c) => classifyMark(c, DFE_CODES))).toEqual([
      "present",
      "present",
      "present",
      "no_contact",
      "no_contact",
      "unauthorised",
      "authorised",
      "away_unauthorised",
      "away",
      "not_required",
      "not_required",
      "authorised",
    ]);
    expect(classifyMark("Q9", DFE_CODES)).toBeNull();
  });
});
