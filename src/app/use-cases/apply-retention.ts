import type { AppContext } from "../app-context.js";

/**
 * The daily retention job: anonymises every visit older than its policy's retention period,
 * removes its Home Visit Forms, and records what it did in the audit trail.
 */
export async function applyRetention(ctx: AppContext): Promise<string[]> {
  const now = ctx.clock.now();
  const expired = await ctx.store.anonymiseExpiredVisits(now);
  // Pupils' registers, triggers and follow-ups are kept as long as the school's records, and no longer.
  const before = new Date(now);
  before.setUTCFullYear(before.getUTCFullYear() - ctx.policy.records.retentionYears);
  const removed = await ctx.store.attendance.removeExpired(before);
  if (removed.days + removed.pupils + removed.triggers + removed.followUps > 0) {
    await ctx.store.appendAudit({
      visitId: null,
      at: now,
      actorId: "homevisit",
      actor: "retention job",
      platform: "system",
      action: "attendance_retention_applied",
      detail: { before: before.toISOString().slice(0, 10), ...removed },
    });
    ctx.log.info(
      `retention: removed ${removed.days} register day(s), ${removed.pupils} pupil(s), ${removed.triggers} trigger(s)`,
    );
  }
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
