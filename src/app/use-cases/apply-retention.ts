import type { AppContext } from "../app-context.js";

/**
 * The daily retention job: anonymises every visit older than its policy's retention period,
 * removes its Home Visit Forms, and records what it did in the audit trail.
 */
export async function applyRetention(ctx: AppContext): Promise<string[]> {
  const now = ctx.clock.now();
  const expired = await ctx.store.anonymiseExpiredVisits(now);
  if (expired.length > 0) {
    await ctx.store.appendAudit({
      visitId: null,
      at: now,
      actorId: "homevisit",
      actor: "retention job",
      platform: "system",
      action: "retention_applied",
      detail: { anonymised: expired },
    });
    ctx.log.info(`retention: anonymised ${expired.length} visit(s) past their retention period`);
  }
  return expired;
}
