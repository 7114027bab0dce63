import type { ParsedDay, ParsedPupil } from "../../domain/attendance/parse-register.js";
import type { AppContext } from "../ports.js";

/** What a register source (Wonde, say) read: pupils, their days, and marks it could not use. */
export interface SourcedRegister {
  pupils: ParsedPupil[];
  days: ParsedDay[];
  skipped: number;
}

/** A school system homevisit reads the register from, on a schedule. */
export interface RegisterSource {
  name: "wonde";
  /** Everything changed since `since` (everything when null). */
  read(since: Date | null): Promise<SourcedRegister>;
}

export interface SyncReport {
  pupils: number;
  days: number;
  skipped: number;
}

/**
 * Reads the register from its source and saves it like an import (one transaction): marks
 * changed since the last sync only, after the first. What could not be used is counted and
 * said in the log, never silently dropped.
 */
export async function syncRegister(ctx: AppContext, source: RegisterSource): Promise<SyncReport> {
  const started = ctx.clock.now();
  const read = await source.read(await ctx.store.attendance.lastSync(source.name));
  await ctx.store.attendance.saveRegister({ pupils: read.pupils, days: read.days, source: source.name, at: started });
  await ctx.store.attendance.saveSync(source.name, started);
  await ctx.store.appendAudit({
    visitId: null,
    at: started,
    actorId: source.name,
    actor: `${source.name} sync`,
    platform: "system",
    action: "attendance_imported",
    detail: { source: source.name, pupils: read.pupils.length, days: read.days.length, skipped: read.skipped },
  });
  if (read.skipped > 0)
    ctx.log.warn(
      `attendance: ${read.skipped} ${source.name} mark(s) skipped (unknown student or a code the mapping does not know)`,
    );
  return { pupils: read.pupils.length, days: read.days.length, skipped: read.skipped };
}
