import { z } from "zod";

const HOW_TO_MAKE = "make one with `openssl rand -base64 32`";

/** 32 random bytes (AES-256), written as base64 or as 64 hex digits. */
export function parseEncryptionKey(text: string): Buffer | null {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, "hex");
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) return null;
  const bytes = Buffer.from(trimmed, "base64");
  return bytes.length === 32 ? bytes : null;
}

export const encryptionKeySchema = z.string().transform((text, check) => {
  const key = parseEncryptionKey(text);
  if (key) return key;
  check.addIssue({ code: "custom", message: `must be 32 bytes as base64 or 64 hex digits: ${HOW_TO_MAKE}` });
  return z.NEVER;
});

/** Earlier keys, comma-separated, kept while rows sealed with them are still read (key rotation). */
export const encryptionKeysSchema = z.string().transform((text, check) => {
  const keys: Buffer[] = [];
  for (const [index, part] of text.split(",").entries()) {
    if (!part.trim()) continue;
    const key = parseEncryptionKey(part);
    if (key) keys.push(key);
    else
      check.addIssue({ code: "custom", message: `key ${index + 1} must be 32 bytes as base64 or 64 hex digits: ${HOW_TO_MAKE}` });
  }
  return keys;
});
