import { describe, expect, it } from "vitest";
import { hashCodeWord, matchesCodeWord } from "../../src/domain/code-word.js";

describe("the code word", () => {
  it("is stored as a salted hash that never contains the word", () => {
    const stored = hashCodeWord("Bluebell");
    expect(stored).toMatch(/^scrypt\$/);
    expect(stored.toLowerCase()).not.toContain("bluebell");
    expect(hashCodeWord("Bluebell")).not.toBe(stored);
  });

  it("matches whatever the case and surrounding spaces, as typed on a phone", () => {
    const stored = hashCodeWord("Bluebell");
    expect(matchesCodeWord("  bluebell ", stored)).toBe(true);
    expect(matchesCodeWord("BLUEBELL", stored)).toBe(true);
  });

  it("does not match other words or a broken hash", () => {
    const stored = hashCodeWord("Bluebell");
    expect(matchesCodeWord("bluebells", stored)).toBe(false);
    expect(matchesCodeWord("ok", stored)).toBe(false);
    expect(matchesCodeWord("bluebell", "")).toBe(false);
  });
});
