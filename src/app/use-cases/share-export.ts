import type { Result } from "../../domain/domain-error.js";
import type { Actor } from "../../domain/visit.js";
import type { NeutralMessage } from "../messages/neutral-message.js";
import type { AppContext } from "../ports.js";
import { exportRecords } from "./export-records.js";

export interface SharedExport {
  visits: number;
  csvUrl: string;
  jsonUrl: string;
  text: string;
  /** The links as buttons, so nobody has to copy a long address from a chat. */
  message: NeutralMessage;
}

/** `/homevisit export <from> <to>`: the export as two private download links, for the DSL only. */
export async function shareExport(ctx: AppContext, actor: Actor, from: string, to: string): Promise<Result<SharedExport>> {
  const result = await exportRecords(ctx, actor, from, to);
  if (!result.ok) return result;
  const audit = { visitId: null, actorId: actor.staffId, actor: actor.name, platform: actor.platform };
  const name = `homevisit-${from}-to-${to}`;
  const csvUrl = ctx.downloads.publish(`${name}.csv`, "text/csv; charset=utf-8", result.value.csv, audit);
  const jsonUrl = ctx.downloads.publish(`${name}.json`, "application/json", result.value.json, audit);
  const text = `Export of ${result.value.visits.length} home visit(s), ${from} to ${to}. These links work for 15 minutes and every download is recorded:\n• CSV: ${csvUrl}\n• JSON: ${jsonUrl}`;
  const message: NeutralMessage = {
    text: `Export of ${result.value.visits.length} home visit(s), ${from} to ${to}`,
    blocks: [
      { type: "text", text: `Export of ${result.value.visits.length} home visit(s), ${from} to ${to}.` },
      {
        type: "actions",
        actions: [
          { id: "export_csv", label: "Download CSV", value: "csv", url: csvUrl },
          { id: "export_json", label: "Download JSON", value: "json", url: jsonUrl },
        ],
      },
      { type: "context", text: "The links work for 15 minutes; every download is recorded in the audit trail." },
    ],
  };
  return { ok: true, value: { visits: result.value.visits.length, csvUrl, jsonUrl, text, message } };
}
