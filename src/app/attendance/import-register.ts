import type { Readable } from "node:stream";
import type { RegisterError } from "../../domain/attendance/parse-register.js";
import type { RegisterMapping } from "../../domain/attendance/register-mapping.js";
import { DomainError } from "../../domain/domain-error.js";
import { findStaff, hasAnyRole } from "../../domain/school-directory.js";
import type { Actor } from "../../domain/visit.js";
import type { AppContext } from "../ports.js";
import { evaluateTriggers } from "./evaluate-triggers.js";
import { readRegister } from "./read-register.js";

export interface RegisterFile {
  name: string;
  read(): Promise<string | Readable>;
}

export interface ImportSummary {
  pupils: number;
  days: number;
  rows: number;
  from: string;
  to: string;
  triggers: number;
}

export type ImportOutcome =
  | { ok: true; summary: ImportSummary }
  | { ok: false; errors: RegisterError[]; moreErrors: number }
  | { ok: false; error: DomainError };

export interface ImportOptions {
  mapping: RegisterMapping;
  /** Rows read so far (every 20,000), then rows written so far of the total. */
  onRead?: (rows: number) => void;
  onWrite?: (written: number, total: number) => void;
  /** Once saved, before the triggers are looked at. */
  onTriggers?: () => void;
  /** The platform's id for the message the file came with: a retried delivery imports once. */
  onceKey?: string;
}

/**
 * A register export comes in (the command line, or a file shared in chat): check the person may
 * import it, read every row (a bad one is reported by its line, and nothing is kept), save it all in
 * one transaction, audit it, and look at the triggers at once.
 */
export async function importRegister(
  ctx: AppContext,
  who: Actor | "command-line",
  file: RegisterFile,
  options: ImportOptions,
): Promise<ImportOutcome> {
  if (who !== "command-line" && !mayImport(ctx, who))
    return {
      ok: false,
      error: new DomainError(
        "not-allowed",
        `Only ${ctx.policy.attendance.importRoles.join(", ").replace(/_/g, " ")} can import the attendance register.`,
      ),
    };
  const read = await readRegister(await file.read(), options.mapping, options.onRead);
  if (read.errors.length > 0) return { ok: false, errors: read.errors, moreErrors: read.moreErrors };
  if (read.days.length === 0) return { ok: false, errors: [{ line: 1, message: "the file has no marks in it" }], moreErrors: 0 };
  // Claimed once the file is known to be good: a retry of a bad file hears the same errors again.
  if (options.onceKey && !(await ctx.store.claimOnce(options.onceKey)).first)
    return {
      ok: false,
      error: new DomainError(
        "invalid-request",
        `${file.name} was already imported from this message; nothing was imported again.`,
      ),
    };
  const now = ctx.clock.now();
  const source = who === "command-line" ? "csv" : "chat";
  await ctx.store.attendance.saveRegister({ pupils: read.pupils, days: read.days, source, at: now }, options.onWrite);
  const dates = read.days.map((d) => d.day).sort();
  const summary = {
    pupils: read.pupils.length,
    days: read.days.length,
    rows: read.rows,
    from: dates[0] ?? "",
    to: dates.at(-1) ?? "",
    triggers: 0,
  };
  const actor =
    who === "command-line"
      ? { actorId: "command-line", actor: "npm run attendance:import", platform: "system" as const }
      : { actorId: who.staffId, actor: who.name, platform: who.platform };
  await ctx.store.appendAudit({
    visitId: null,
    at: now,
    ...actor,
    action: "attendance_imported",
    detail: { file: file.name, source, pupils: summary.pupils, days: summary.days, from: summary.from, to: summary.to },
  });
  options.onTriggers?.();
  summary.triggers = (await evaluateTriggers(ctx)).fired.length;
  return { ok: true, summary };
}

export function mayImport(ctx: AppContext, actor: Actor): boolean {
  return hasAnyRole(findStaff(ctx.directory, actor.staffId), ctx.policy.attendance.importRoles);
}

/** The outcome in words, for chat and the command line alike. */
export function describeImport(outcome: ImportOutcome, fileName: string): string {
  if (outcome.ok) {
    const s = outcome.summary;
    const triggers =
      s.triggers === 0
        ? "No attendance trigger is due."
        : `${s.triggers} attendance trigger(s) fired: the people the policy names have been told.`;
    return `Imported ${fileName}: ${s.pupils.toLocaleString("en-GB")} pupils, ${s.days.toLocaleString("en-GB")} register days (${s.from} to ${s.to}). ${triggers}`;
  }
  if ("error" in outcome) return outcome.error.message;
  const lines = outcome.errors.map((e) => `line ${e.line}: ${e.message}`);
  const more = outcome.moreErrors > 0 ? `\n…and ${outcome.moreErrors} more.` : "";
  return `${fileName} was not imported (nothing was saved). Fix these rows and send it again:\n${lines.join("\n")}${more}`;
}
