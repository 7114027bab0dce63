import { describe, expect, it } from "vitest";
import { loadPolicyFile } from "../../src/config/load-school.js";
import { initialsOf } from "../../src/domain/initials.js";
import { assessRequest, parseVisitRequest } from "../../src/domain/visit-request.js";
import { demoRequestInput } from "../support/visit-fixtures.js";

const policy = loadPolicyFile("policies/default.yaml");
const now = new Date("2026-11-24T10:00:00.000Z");

function assess(overrides: Parameters<typeof demoRequestInput>[0] = {}) {
  const parsed = parseVisitRequest(demoRequestInput(overrides));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return assessRequest(parsed.value, policy, now);
}

describe("a visit request", () => {
  it("accepts a complete request during school hours with no errors or warnings", () => {
    expect(assess()).toEqual({ errors: [], warnings: [] });
  });

  it("says which field is wrong when the input is malformed", () => {
    const parsed = parseVisitRequest({
      ...demoRequestInput(),
      address: "x",
      lead: { staffId: "e.walsh", name: "Erin", mobile: "12" },
    });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.errors).toContainEqual({ field: "address", message: "enter the full address, with postcode" });
      expect(parsed.errors.find((e) => e.field === "lead.mobile")?.message).toMatch(/mobile number like 07700/);
    }
  });

  it("normalises mobiles and registrations the way people type them", () => {
    const parsed = parseVisitRequest(
      demoRequestInput({ vehicle: { make: "Ford", model: "Ka", colour: "Red", registration: "ab12  cde" } }),
    );
    expect(parsed.ok && parsed.value.vehicle?.registration).toBe("AB12 CDE");
    expect(parsed.ok && parsed.value.lead.mobile).toBe("07700900105");
  });

  it("refuses a return time before the visit could end", () => {
    const { errors } = assess({ expectedReturn: new Date("2026-11-24T11:30:00.000Z") });
    expect(errors.map((e) => e.field)).toContain("expectedReturn");
  });

  it("refuses a start in the past: visits are authorised first", () => {
    expect(
      assess({
        plannedStart: new Date("2026-11-24T09:00:00.000Z"),
        expectedReturn: new Date("2026-11-24T10:30:00.000Z"),
      }).errors.map((e) => e.field),
    ).toContain("plannedStart");
  });

  it("flags a lone visit for the approver where pairing is advised", () => {
    const { errors, warnings } = assess({ second: null });
    expect(errors).toEqual([]);
    expect(warnings.map((w) => w.code)).toContain("lone-visit");
  });

  it("requires the vehicle details the office must hold", () => {
    const { errors } = assess({ vehicle: null });
    expect(errors.map((e) => e.field)).toEqual(expect.arrayContaining(["vehicle.make", "vehicle.registration"]));
  });

  it("needs one of the policy's exceptions when parents were not told, and warns the approver", () => {
    expect(assess({ parentsTold: false }).errors.map((e) => e.field)).toContain("parentNoticeException");
    const withException = assess({ parentsTold: false, parentNoticeException: "safe_and_well" });
    expect(withException.errors).toEqual([]);
    expect(withException.warnings.map((w) => w.code)).toContain("parents-not-told");
  });

  it("refuses a code word that could be typed by accident", () => {
    expect(assess({ codeWord: "ok" }).errors.map((e) => e.field)).toContain("codeWord");
    expect(assess({ codeWord: "back" }).errors.map((e) => e.field)).toContain("codeWord");
  });

  it("refuses the same person as lead and second", () => {
    const { errors } = assess({ second: { staffId: "e.walsh", name: "Erin Walsh", mobile: "07700900105" } });
    expect(errors.map((e) => e.field)).toContain("second.staffId");
  });

  it("shows only initials where the pupil must not be named, whole characters however the name is written", () => {
    expect(initialsOf("Jamie Lee Smith")).toBe("J.L.S.");
    expect(initialsOf("ada")).toBe("A.");
    expect(initialsOf("𠮷田 花子")).toBe("𠮷.花.");
    expect(initialsOf("Jamie 😀")).toBe("J.");
    expect(initialsOf("  Zoë   O'Neill ")).toBe("Z.O.");
    expect(initialsOf("😀")).toBe("?");
    // No initial is ever half a surrogate pair (that is what made such names fail to save).
    const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
    for (const name of ["𠮷田 花子", "Jamie 😀", "𝒜da Smith"]) expect(initialsOf(name)).not.toMatch(loneSurrogate);
  });

  it("takes names with emoji and characters outside the basic plane, and refuses a NUL byte with a field error", () => {
    expect(assess({ pupil: { name: "𠮷田 花子" } }).errors).toEqual([]);
    expect(assess({ pupil: { name: "Jamie 😀" } }).errors).toEqual([]);
    const parsed = parseVisitRequest(demoRequestInput({ pupil: { name: "Jamie\u0000Smith" } }));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors).toEqual([{ field: "pupil.name", message: expect.stringMatching(/control character/) }]);
  });

  it.each(["safe", "all good", "👍", "Police", "ok thanks", "999", "back now", "not safe"])(
    "refuses %j as a code word: it reads as a reply, so it would raise an alarm on every check-in or never",
    (codeWord) => {
      expect(assess({ codeWord }).errors.map((e) => e.field)).toContain("codeWord");
    },
  );

  it.each(["marmalade", "Bluebell", "blue bell", "kingfisher"])("accepts %j as a code word", (codeWord) => {
    expect(assess({ codeWord }).errors).toEqual([]);
  });
});
