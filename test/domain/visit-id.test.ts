import { describe, expect, it } from "vitest";
import { newVisitId, normaliseVisitId } from "../../src/domain/visit-id.js";

// The characters an id may use: digits 2–9 and consonants, without L (read as 1) and Y (a vowel in "SHY").
const SHAPE = /^HV-[2-9BCDFGHJKMNPQRSTVWXZ]{5}$/;

describe("visit ids", () => {
  const ids = Array.from({ length: 10_000 }, newVisitId);

  it("keep the HV-XXXXX shape and never hold a vowel, so they cannot spell a word", () => {
    for (const id of ids) expect(id).toMatch(SHAPE);
    const letters = ids.map((id) => id.slice(3)).join("");
    for (const vowel of ["A", "E", "I", "O", "U", "Y"]) expect(letters).not.toContain(vowel);
  });

  it("have none of the characters that are misread on the phone (0/O, 1/I/L)", () => {
    const letters = new Set(ids.flatMap((id) => [...id.slice(3)]));
    for (const confusing of ["0", "O", "1", "I", "L"]) expect(letters.has(confusing)).toBe(false);
    // Every allowed character turns up in 50,000 draws: the alphabet is used whole, not a few letters of it.
    expect([...letters].sort().join("")).toBe("23456789BCDFGHJKMNPQRSTVWXZ");
  });

  it("are read back from what people type, in any case, with or without HV-", () => {
    expect(normaliseVisitId("hv-7k3qd")).toBe("HV-7K3QD");
    expect(normaliseVisitId(" 7k3qd ")).toBe("HV-7K3QD");
    expect(normaliseVisitId("HV-7K3QD")).toBe("HV-7K3QD");
    // Visits made before the change keep their ids, vowels and all.
    expect(normaliseVisitId("hv-junk4")).toBe("HV-JUNK4");
  });
});
