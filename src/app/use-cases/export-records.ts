import { DomainError, type Result } from "../../domain/domain-error.js";
import { hasStops, stopRef, stopsOf } from "../../domain/stops.js";
import type { Actor, Visit } from "../../domain/visit.js";
import type { VisitRecordForm } from "../../domain/visit-record.js";
import type { AppContext } from "../app-context.js";
import type { FollowUpRow } from "../attendance/attendance-port.js";
import type { AuditEntry, RecordRow } from "../ports.js";
import { mayExport } from "../records-access.js";
import { asResult } from "./change-visit.js";

export interface ExportedVisit {
  visitId: string;
  pupilName: string;
  misId: string;
  address: string;
  purpose: string;
  plannedStart: string;
  status: string;
  staff: string;
  approvedBy: string;
  approvedAt: string;
  outcome: Record<string, unknown> | null;
  recordSubmittedBy: string;
  recordSubmittedAt: string;
  safeguardingConcern: boolean;
  /** The agreements made with parents, each with its follow-up (Morecambe Road) where there is one. */
  agreements: { agreement: string; followUp: { dueAt: string; state: string; answeredBy: string; answeredAt: string } | null }[];
  audit: { at: string; actor: string; platform: string; action: string }[];
}

export interface RecordsExport {
  from: string;
  to: string;
  visits: ExportedVisit[];
  csv: string;
  json: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Visits and outcomes between two dates, shaped for upload to a safeguarding record system such
 * as CPOMS, with each visit's audit trail. DSL and headteacher only (or the command line); audited.
 */
export async function exportRecords(
  ctx: AppContext,
  actor: Actor | "command-line",
  from: string,
  to: string,
): Promise<Result<RecordsExport>> {
  return asResult(async () => {
    if (!DATE.test(from) || !DATE.test(to))
      throw new DomainError("invalid-request", "Give two dates as YYYY-MM-DD, e.g. export 2026-09-01 2026-12-31.");
    const start = new Date(`${from}T00:00:00.000Z`);
    const end = new Date(new Date(`${to}T00:00:00.000Z`).getTime() + 24 * 3600_000);
    if (end <= start) throw new DomainError("invalid-request", "The second date must not be before the first.");
    if (actor !== "command-line" && !mayExport(ctx.directory, actor.staffId))
      throw new DomainError("not-allowed", "Only the Designated Safeguarding Lead and the headteacher can export records.");
    const visits = await ctx.store.listVisits({ from: start, to: end, limit: 10_000 });
    const rows: ExportedVisit[] = [];
    for (const visit of visits)
      rows.push(
        ...exportedRows(
          visit,
          await ctx.store.listRecords(visit.id),
          await ctx.store.listAudit(visit.id),
          await ctx.store.attendance.listFollowUps(visit.id),
        ),
      );
    const who =
      actor === "command-line" ? { staffId: "command-line", name: "npm run export", platform: "system" as const } : actor;
    await ctx.store.appendAudit({
      visitId: null,
      at: ctx.clock.now(),
      actorId: who.staffId,
      actor: who.name,
      platform: who.platform,
      action: "records_exported",
      detail: { from, to, visits: rows.map((r) => r.visitId) },
    });
    return { from, to, visits: rows, csv: toCsv(rows), json: JSON.stringify({ from, to, visits: rows }, null, 2) };
  });
}

/**
 * A visit to one home is one row. A day of visits is a row per home (id "HV-7K3QD/2"), each with
 * its own pupil, address and Home Visit Form, since each child's record system entry is its own.
 */
function exportedRows(visit: Visit, records: RecordRow[], audit: AuditEntry[], followUps: FollowUpRow[]): ExportedVisit[] {
  if (!hasStops(visit)) return [toExported(visit, records, audit, followUps)];
  const skipped = (n: number) => !!visit.progress.stopLogs?.[n - 1]?.skipped;
  return stopsOf(visit).map((stop) => {
    const own = records.filter((row) => (row.form as { stop?: number } | null)?.stop === stop.number);
    const row = toExported(visit, own, audit, stop.number === 1 ? followUps : []);
    return {
      ...row,
      visitId: stopRef(visit.id, stop.number),
      pupilName: stop.pupil.name,
      misId: stop.number === 1 ? row.misId : "",
      address: stop.address,
      status: skipped(stop.number) ? "skipped" : row.status,
    };
  });
}

function toExported(visit: Visit, records: RecordRow[], audit: AuditEntry[], followUps: FollowUpRow[]): ExportedVisit {
  const latest = records[records.length - 1];
  const form = (latest?.form ?? null) as (VisitRecordForm & { signedBy?: string }) | null;
  const r = visit.request;
  return {
    visitId: visit.id,
    pupilName: r.pupil.name,
    misId: r.pupil.misId ?? "",
    address: r.address,
    purpose: visit.policy.purposes.find((p) => p.id === r.purposeId)?.label ?? r.purposeId,
    plannedStart: r.plannedStart.toISOString(),
    status: visit.status,
    staff: [r.lead.name, r.second?.name].filter(Boolean).join("; "),
    approvedBy: visit.decision?.by.name ?? "",
    approvedAt: visit.decision?.at ?? "",
    outcome: form,
    recordSubmittedBy: form?.signedBy ?? latest?.submittedBy ?? "",
    recordSubmittedAt: latest?.submittedAt.toISOString() ?? "",
    safeguardingConcern: form?.safeguardingConcern ?? false,
    agreements: agreementsOf(form, followUps),
    audit: audit.map((a) => ({ at: a.at.toISOString(), actor: a.actor, platform: a.platform, action: a.action })),
  };
}

/** The form's agreements (a list, or the one text field of records from before lists), with their follow-ups. */
function agreementsOf(
  form: (VisitRecordForm & { signedBy?: string }) | null,
  followUps: FollowUpRow[],
): ExportedVisit["agreements"] {
  const list = form?.agreementList?.length ? form.agreementList : form?.agreements ? [form.agreements] : [];
  return list.map((agreement, position) => {
    const f = followUps.find((row) => row.position === position && row.agreement === agreement);
    return {
      agreement,
      followUp: f
        ? {
            dueAt: f.dueAt.toISOString(),
            state: f.state,
            answeredBy: f.answeredBy ?? "",
            answeredAt: f.answeredAt?.toISOString() ?? "",
          }
        : null,
    };
  });
}

const COLUMNS: [string, (v: ExportedVisit) => string][] = [
  ["Visit ID", (v) => v.visitId],
  ["Pupil", (v) => v.pupilName],
  ["MIS ID", (v) => v.misId],
  ["Address", (v) => v.address],
  ["Purpose", (v) => v.purpose],
  ["Date", (v) => v.plannedStart],
  ["Status", (v) => v.status],
  ["Staff", (v) => v.staff],
  ["Approved by", (v) => v.approvedBy],
  ["Approved at", (v) => v.approvedAt],
  ["Child seen", (v) => String(v.outcome?.childSeen ?? "")],
  ["Safe and well", (v) => String(v.outcome?.safeAndWell ?? "")],
  ["Present", (v) => String(v.outcome?.present ?? "")],
  ["Discussed", (v) => String(v.outcome?.discussed ?? "")],
  ["Agreements", (v) => v.agreements.map((a) => a.agreement).join(" | ")],
  [
    "Follow-ups",
    (v) =>
      v.agreements
        .filter((a) => a.followUp)
        .map(
          (a) =>
            `${a.agreement}: ${a.followUp?.state.replace("_", " ")}${a.followUp?.answeredBy ? ` (${a.followUp.answeredBy})` : ""}`,
        )
        .join(" | "),
  ],
  ["Voice of the child", (v) => String(v.outcome?.voiceOfChild ?? "")],
  ["Concerns", (v) => String(v.outcome?.concerns ?? "")],
  ["Safeguarding concern", (v) => (v.safeguardingConcern ? "yes" : "no")],
  ["Actions", (v) => String(v.outcome?.actions ?? "")],
  ["Record by", (v) => v.recordSubmittedBy],
  ["Record at", (v) => v.recordSubmittedAt],
  ["Audit trail", (v) => v.audit.map((a) => `${a.at} ${a.actor} (${a.platform}) ${a.action}`).join(" | ")],
];

/** RFC 4180 CSV; cells that a spreadsheet would run as formulas are defused. */
export function toCsv(rows: readonly ExportedVisit[]): string {
  const cell = (value: string) => {
    const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
    return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  const lines = [COLUMNS.map(([name]) => cell(name)).join(",")];
  for (const row of rows) lines.push(COLUMNS.map(([, get]) => cell(get(row))).join(","));
  return `${lines.join("\r\n")}\r\n`;
}
