import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";

// scrypt costs ~45 ms of CPU: run it on libuv's pool, never on the event loop that acks Slack.
function scryptAsync(secret: string, salt: Buffer, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(secret, salt, length, (error, key) => (error ? reject(error) : resolve(key))));
}

/**
 * The code word is kept only as `scrypt$salt$hash`. It is never stored, logged or shown in clear,
 * so a message or a database dump cannot reveal it.
 */
export async function hashCodeWord(codeWord: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(normaliseCodeWord(codeWord), salt, 32);
  return `scrypt$${salt.toString("base64")}$${hash.toString("base64")}`;
}

/** True when `text` is the code word (case and surrounding spaces ignored). */
export async function matchesCodeWord(text: string, stored: string): Promise<boolean> {
  const [scheme, saltB64, hashB64] = stored.split("$");
  if (scheme !== "scrypt" || !saltB64 || !hashB64) return false;
  const expected = Buffer.from(hashB64, "base64");
  const actual = await scryptAsync(normaliseCodeWord(text), Buffer.from(saltB64, "base64"), expected.length);
  return timingSafeEqual(actual, expected);
}

function normaliseCodeWord(text: string): string {
  return text.trim().replace(/\s+/g, " ").toLowerCase();
}
