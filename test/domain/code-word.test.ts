import { randomBytes, scryptSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hashCodeWord, matchesCodeWord } from "../../src/domain/code-word.js";

describe("the code word", () => {
  it("is stored as a salted hash that never contains the word", async () => {
    const stored = await hashCodeWord("Bluebell");
    expect(stored).toMatch(/^scrypt2\$1\$/);
    expect(stored.toLowerCase()).not.toContain("bluebell");
    expect(await hashCodeWord("Bluebell")).not.toBe(stored);
  });

  it.each([
    "marmalade",
    "  marmalade ",
    "marmalade.",
    "Marmalade!",
    "ok marmalade",
    "*marmalade*",
    "_marmalade_",
    "marmalade 👍",
    "mar\u200bmalade",
    "\u200fmarmalade",
    "ＭＡＲＭＡＬＡＤＥ",
    "we are fine, marmalade, see you soon",
    "<@U0BOT> marmalade",
  ])("raises the alarm however it is typed: %j", async (typed) => {
    const stored = await hashCodeWord("Marmalade");
    expect(await matchesCodeWord(typed, stored)).toBe(true);
  });

  it("finds a code word of several words inside a message", async () => {
    const stored = await hashCodeWord("blue kingfisher");
    expect(await matchesCodeWord("ok Blue Kingfisher!", stored)).toBe(true);
    expect(await matchesCodeWord("blue", stored)).toBe(false);
    expect(await matchesCodeWord("kingfisher blue", stored)).toBe(false);
  });

  it("does not match other words, a part of a word, or a broken hash", async () => {
    const stored = await hashCodeWord("Bluebell");
    expect(await matchesCodeWord("bluebells", stored)).toBe(false);
    expect(await matchesCodeWord("blue bell", stored)).toBe(false);
    expect(await matchesCodeWord("ok", stored)).toBe(false);
    expect(await matchesCodeWord("bluebell", "")).toBe(false);
    expect(await matchesCodeWord("bluebell", "scrypt2$x$y$z")).toBe(false);
  });

  it("still matches a code word stored before its words were counted", async () => {
    const salt = randomBytes(16);
    const legacy = `scrypt$${salt.toString("base64")}$${scryptSync("bluebell", salt, 32).toString("base64")}`;
    expect(await matchesCodeWord("Bluebell", legacy)).toBe(true);
    expect(await matchesCodeWord("ok bluebell!", legacy)).toBe(true);
    expect(await matchesCodeWord("marmalade", legacy)).toBe(false);
  });
});
