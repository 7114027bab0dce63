import { describe, expect, it } from "vitest";
import { hashCodeWord, matchesCodeWord } from "../../src/domain/code-word.js";

describe("the code word", () => {
  it("is stored as a salted hash that never contains the word", async () => {
    const stored = await hashCodeWord("Bluebell");
    expect(stored).toMatch(/^scrypt\$/);
    expect(stored.toLowerCase()).not.toContain("bluebell");
    expect(await hashCodeWord("Bluebell")).not.toBe(stored);
  });

  it("matches whatever the case and surrounding spaces, as typed on a phone", async () => {
    const stored = await hashCodeWord("Bluebell");
    expect(await matchesCodeWord("  bluebell ", stored)).toBe(true);
    expect(await matchesCodeWord("BLUEBELL", stored)).toBe(true);
  });

  it("does not match other words or a broken hash", async () => {
    const stored = await hashCodeWord("Bluebell");
    expect(await matchesCodeWord("bluebells", stored)).toBe(false);
    expect(await matchesCodeWord("ok", stored)).toBe(false);
    expect(await matchesCodeWord("bluebell", "")).toBe(false);
  });
});
