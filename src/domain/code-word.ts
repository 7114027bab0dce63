import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { isReplyVocabulary } from "./replies/reply-words.js";
import { wordsOf } from "./replies/typed-words.js";

// scrypt costs ~45 ms of CPU: run it on libuv's pool, never on the event loop that acks Slack.
function scryptAsync(secret: string, salt: Buffer, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(secret, salt, length, (error, key) => (error ? reject(error) : resolve(key))));
}

/** A message longer than this is only searched for the code word in its first words. */
const MAX_WORDS_SEARCHED = 64;
/** Stored hashes from before the word count was kept: code words of up to this many words. */
const LEGACY_MAX_WORDS = 3;

/**
 * The code word is kept only as `scrypt2$<words>$salt$hash`, over its normalised words. It is never
 * stored, logged or shown in clear, so a message or a database dump cannot reveal it. The number of
 * words is kept so a message can be searched for it ("ok marmalade", "marmalade 👍").
 */
export async function hashCodeWord(codeWord: string): Promise<string> {
  const words = wordsOf(codeWord);
  const salt = randomBytes(16);
  const hash = await scryptAsync(words.join(" "), salt, 32);
  return `scrypt2$${words.length}$${salt.toString("base64")}$${hash.toString("base64")}`;
}

/**
 * True when the code word appears anywhere in `text` as whole words, however it was typed:
 * "Marmalade!", "ok marmalade", "*marmalade*", with an invisible mark inside, or spelled out.
 */
export async function matchesCodeWord(text: string, stored: string): Promise<boolean> {
  const parsed = parseStored(stored);
  if (!parsed) return false;
  const words = wordsOf(text).slice(0, MAX_WORDS_SEARCHED);
  const sizes = parsed.words ? [parsed.words] : Array.from({ length: LEGACY_MAX_WORDS }, (_, i) => i + 1);
  const candidates = new Set<string>();
  for (const size of sizes)
    for (let i = 0; i + size <= words.length; i++) {
      const run = words.slice(i, i + size);
      // A run of reply words can never be the code word: the request form refuses those.
      if (!isReplyVocabulary(run)) candidates.add(run.join(" "));
    }
  if (!parsed.words) candidates.add(legacyNormalise(text));
  const checks = [...candidates].map(async (candidate) => {
    const actual = await scryptAsync(candidate, parsed.salt, parsed.hash.length);
    return timingSafeEqual(actual, parsed.hash);
  });
  return (await Promise.all(checks)).some(Boolean);
}

function parseStored(stored: string): { words: number | null; salt: Buffer; hash: Buffer } | null {
  const parts = stored.split("$");
  if (parts[0] === "scrypt2" && parts.length === 4) {
    const words = Number(parts[1]);
    if (!Number.isInteger(words) || words < 1 || !parts[2] || !parts[3]) return null;
    return { words, salt: Buffer.from(parts[2], "base64"), hash: Buffer.from(parts[3], "base64") };
  }
  if (parts[0] === "scrypt" && parts.length === 3 && parts[1] && parts[2])
    return { words: null, salt: Buffer.from(parts[1], "base64"), hash: Buffer.from(parts[2], "base64") };
  return null;
}

/** How code words were normalised before typed-words existed (visits requested then). */
function legacyNormalise(text: string): string {
  return text.trim().replace(/\s+/g, " ").toLowerCase();
}
