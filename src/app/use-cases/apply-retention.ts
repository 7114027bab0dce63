import type { AppContext } from "../app-context.js";

/**
 * The daily retention job: anonymises every visit older than its policy's retention period,
 * removes its Home Visit Forms and free text, drops old message copies, and records what it did
 * in the audit trail.
 */
export async function applyRetention(ctx: AppContext): Promise<string[]> {
  const now = ctx.clock.now();
  const result = await ctx.store.applyRetention(now);
  if (result.anonymised.length > 0) {
    await ctx.store.appendAudit({
      visitId: null,
      at: now,
      actorId: "homevisit",
      actor: "retention job",
      platform: "system",
      action: "retention_applied",
      detail: { anonymised: result.anonymised },
    });
  }
  ctx.log.info("retention applied", {
    anonymised: result.anonymised.length,
    messagesRemoved: result.messagesRemoved,
    keysRemoved: result.keysRemoved,
  });
  return result.anonymised;
}
