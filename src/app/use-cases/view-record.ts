import { DomainError, type Result } from "../../domain/domain-error.js";
import type { Actor } from "../../domain/visit.js";
import { normaliseVisitId } from "../../domain/visit-id.js";
import type { VisitRecordForm } from "../../domain/visit-record.js";
import type { AppContext } from "../app-context.js";
import type { NeutralMessage } from "../messages/neutral-message.js";
import { recordMessage } from "../messages/record-form.js";
import { mayReadRecord } from "../records-access.js";
import { asResult } from "./change-visit.js";

/**
 * `/homevisit record <id>`: shows a completed record to those allowed to see it. Every read and
 * every refusal is written to the audit trail with who and when.
 */
export async function viewRecord(ctx: AppContext, actor: Actor, visitId: string): Promise<Result<NeutralMessage>> {
  return asResult(async () => {
    const id = normaliseVisitId(visitId);
    const visit = await ctx.store.getVisit(id);
    if (!visit) throw new DomainError("visit-not-found", `There is no home visit ${id}.`);
    const now = ctx.clock.now();
    const audit = (action: string) =>
      ctx.store.appendAudit({
        visitId: id,
        at: now,
        actorId: actor.staffId,
        actor: actor.name,
        platform: actor.platform,
        action,
      });
    if (!mayReadRecord(ctx.directory, visit, actor.staffId)) {
      await audit("record_view_refused");
      throw new DomainError(
        "not-allowed",
        "Only the visiting staff, the approver and the safeguarding leads can read this record.",
      );
    }
    const records = await ctx.store.listRecords(id);
    const latest = records[records.length - 1];
    if (!latest) throw new DomainError("invalid-record", `Home visit ${id} has no completed record yet.`);
    await audit("record_viewed");
    const form = latest.form as VisitRecordForm & { signedBy?: string };
    const message = recordMessage(visit, form, form.signedBy ?? latest.submittedBy, latest.submittedAt, records.length > 1);
    if (records.length > 1)
      message.blocks.push({ type: "context", text: `${records.length - 1} earlier version(s) kept in the audit trail.` });
    return message;
  });
}
