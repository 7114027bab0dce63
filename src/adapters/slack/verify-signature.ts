import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

/** Slack's window for a request's timestamp, both ways: a replay and a forged future stamp fail alike. */
export const MAX_CLOCK_SKEW_SECONDS = 300;

/**
 * True when the request was signed by Slack with our signing secret within five minutes of now.
 * Bolt's own check accepts timestamps from the future; this one does not.
 */
export function isSignedBySlack(
  headers: IncomingHttpHeaders,
  rawBody: string,
  signingSecret: string,
  nowMs: number = Date.now(),
): boolean {
  const signature = headers["x-slack-signature"];
  const stamp = headers["x-slack-request-timestamp"];
  if (typeof signature !== "string" || typeof stamp !== "string" || !/^\d{1,12}$/.test(stamp)) return false;
  if (Math.abs(nowMs / 1000 - Number(stamp)) > MAX_CLOCK_SKEW_SECONDS) return false;
  const [version, hash] = signature.split("=", 2);
  if (version !== "v0" || !hash || !/^[0-9a-f]{64}$/.test(hash)) return false;
  const expected = createHmac("sha256", signingSecret).update(`v0:${stamp}:${rawBody}`).digest();
  return timingSafeEqual(expected, Buffer.from(hash, "hex"));
}
