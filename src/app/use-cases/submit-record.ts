import { randomUUID } from "node:crypto";
import { DomainError, type FieldError } from "../../domain/domain-error.js";
import { type Actor, isOnVisit, type Visit } from "../../domain/visit.js";
import { transition } from "../../domain/visit-lifecycle.js";
import { parseVisitRecord } from "../../domain/visit-record.js";
import type { AppContext } from "../app-context.js";
import { formToRecord, recordMessage } from "../messages/record-form.js";
import { visitLabel } from "../messages/visit-details.js";
import { notice } from "../messages/visit-messages.js";
import type { OutgoingMessage } from "../ports.js";
import { commitVisit } from "./commit-visit.js";
import { loadVisitForUpdate } from "./load-visit.js";

export type RecordOutcome = { ok: true; visit: Visit } | { ok: false; errors: FieldError[] } | { ok: false; error: DomainError };

/**
 * The lead (or the second member of staff) submits the Home Visit Form: validate it, store it as a
 * new, append-only record, close the visit, post it to the restricted records channel only, and
 * alert the DSL at once if it raises a safeguarding concern. A later submission is a correction.
 */
export async function submitRecord(
  ctx: AppContext,
  actor: Actor,
  visitId: string,
  values: Record<string, string | undefined>,
): Promise<RecordOutcome> {
  const parsed = parseVisitRecord(formToRecord(values));
  if (!parsed.ok) return parsed;
  const record = parsed.value;
  try {
    const visit = await ctx.store.inTransaction(async (tx) => {
      const visit = await loadVisitForUpdate(tx, visitId);
      if (!isOnVisit(visit, actor.staffId))
        throw new DomainError("not-allowed", "Only the staff who made the visit can complete its form.");
      const next = transition(visit.status, "complete_record");
      if (!next.ok)
        throw new DomainError(
          "invalid-transition",
          "The Home Visit Form is completed once the visit has ended (reply back, or left not returning).",
        );
      const now = ctx.clock.now();
      const correction = visit.hasRecord;
      const previous = correction ? await tx.latestRecordId(visit.id) : null;
      await tx.insertRecord({
        id: randomUUID(),
        visitId: visit.id,
        submittedBy: actor.staffId,
        submittedAt: now,
        form: { ...record, signedBy: actor.name },
        supersedes: previous,
      });
      const out = (
        target: OutgoingMessage["target"],
        message: OutgoingMessage["message"],
        critical = false,
      ): OutgoingMessage => ({ visitId: visit.id, platform: visit.platform, target, message, critical });
      const extra: OutgoingMessage[] = [
        out({ kind: "channel", role: "records" }, recordMessage(visit, record, actor.name, now, correction)),
        out({ kind: "visit_thread", visitId: visit.id }, notice(correction ? "Record corrected." : "Record completed.")),
      ];
      if (record.safeguardingConcern) {
        for (const person of ctx.directory.staff.filter((p) => p.roles.includes("dsl") || p.roles.includes("deputy_dsl")))
          extra.push(
            out(
              { kind: "dm", staffId: person.id },
              {
                ...recordMessage(visit, record, actor.name, now, correction),
                text: `Safeguarding concern raised on home visit ${visitLabel(visit)} by ${actor.name}`,
              },
              true,
            ),
          );
      }
      return commitVisit(ctx, tx, {
        visit: { ...visit, status: next.value, hasRecord: true },
        effects: [],
        actor,
        action: correction ? "record_corrected" : "record_submitted",
        detail: { safeguardingConcern: record.safeguardingConcern, supersedes: previous },
        extra,
      });
    });
    ctx.kick();
    return { ok: true, visit };
  } catch (error) {
    if (error instanceof DomainError) return { ok: false, error };
    throw error;
  }
}
