import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createTokenCipher, keyIdOf } from "../../src/persistence/token-cipher.js";

describe("sealing Slack tokens for the database", () => {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);
  const token = "xoxb-1234567890-abcdefghijklmnop";

  it("never writes the token, seals it differently each time, and opens it again", () => {
    const cipher = createTokenCipher([oldKey]);
    const first = cipher.seal(token);
    const second = cipher.seal(token);
    expect(first).not.toContain(token);
    expect(first).not.toEqual(second);
    expect(cipher.open(first)).toBe(token);
    expect(cipher.keyIdOf(first)).toBe(keyIdOf(oldKey));
  });

  it("rotates: the new key seals, the old one still opens what it sealed, a missing key says which", () => {
    const sealedBefore = createTokenCipher([oldKey]).seal(token);
    const rotated = createTokenCipher([newKey, oldKey]);
    expect(rotated.open(sealedBefore)).toBe(token);
    expect(rotated.keyIdOf(rotated.seal(token))).toBe(keyIdOf(newKey));
    expect(() => createTokenCipher([newKey]).open(sealedBefore)).toThrow(
      new RegExp(
        `sealed with key ${keyIdOf(oldKey)}, which is neither TOKEN_ENCRYPTION_KEY nor one of TOKEN_ENCRYPTION_OLD_KEYS`,
      ),
    );
  });

  it("refuses a sealed token that was altered, or moved under another key's id", () => {
    const cipher = createTokenCipher([oldKey, newKey]);
    const sealed = cipher.seal(token);
    const parts = sealed.split(".");
    const body = Buffer.from(parts[4] as string, "base64url");
    body[0] = (body[0] ?? 0) ^ 1;
    expect(() => cipher.open([...parts.slice(0, 4), body.toString("base64url")].join("."))).toThrow();
    expect(() => cipher.open(["v1", keyIdOf(newKey), ...parts.slice(2)].join("."))).toThrow();
  });
});
