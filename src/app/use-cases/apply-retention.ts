import type { AppContext } from "../app-context.js";

/**
 * The daily retention job: anonymises every visit older than its policy's retention period,
 * removes its Home Visit Forms and free text, drops old message copies, removes pupils' registers,
 * triggers and follow-ups as old, and records what it did in the audit trail.
 */
export async function applyRetention(ctx: AppContext): Promise<string[]> {
  const now = ctx.clock.now();
  const result = await ctx.store.applyRetention(now);
  // Pupils' registers, triggers and follow-ups are kept as long as the school's records, and no longer.
  const before = new Date(now);
  before.setUTCFullYear(before.getUTCFullYear() - ctx.policy.records.retentionYears);
  const removed = await ctx.store.attendance.removeExpired(before);
  const audit = (action: string, detail: Record<string, unknown>) =>
    ctx.store.appendAudit({
      visitId: null,
      at: now,
      actorId: "homevisit",
      actor: "retention job",
      platform: "system",
      action,
      detail,
    });
  if (removed.days + removed.pupils + removed.triggers + removed.followUps > 0)
    await audit("attendance_retention_applied", { before: before.toISOString().slice(0, 10), ...removed });
  if (result.anonymised.length > 0) await audit("retention_applied", { anonymised: result.anonymised });
  ctx.log.info("retention applied", {
    anonymised: result.anonymised.length,
    messagesRemoved: result.messagesRemoved,
    keysRemoved: result.keysRemoved,
    ...removed,
  });
  return result.anonymised;
}
