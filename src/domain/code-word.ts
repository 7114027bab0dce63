import { randomBytes, scryptSync, timingSafeEqual } from "node:crypto";

/**
 * The code word is kept only as `scrypt$salt$hash`. It is never stored, logged or shown in clear,
 * so a message or a database dump cannot reveal it.
 */
export function hashCodeWord(codeWord: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(normaliseCodeWord(codeWord), salt, 32);
  return `scrypt$${salt.toString("base64")}$${hash.toString("base64")}`;
}

/** True when `text` is the code word (case and surrounding spaces ignored). */
export function matchesCodeWord(text: string, stored: string): boolean {
  const [scheme, saltB64, hashB64] = stored.split("$");
  if (scheme !== "scrypt" || !saltB64 || !hashB64) return false;
  const expected = Buffer.from(hashB64, "base64");
  const actual = scryptSync(normaliseCodeWord(text), Buffer.from(saltB64, "base64"), expected.length);
  return timingSafeEqual(actual, expected);
}

function normaliseCodeWord(text: string): string {
  return text.trim().replace(/\s+/g, " ").toLowerCase();
}
