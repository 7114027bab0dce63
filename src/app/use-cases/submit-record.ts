import { randomUUID } from "node:crypto";
import { DomainError, type FieldError } from "../../domain/domain-error.js";
import { type Actor, isOnVisit, type Visit } from "../../domain/visit.js";
import { normaliseVisitId } from "../../domain/visit-id.js";
import { transition } from "../../domain/visit-lifecycle.js";
import { parseVisitRecord } from "../../domain/visit-record.js";
import type { NeutralForm } from "../messages/neutral-message.js";
import { formToRecord, RECORD_FORM_ID, recordForm, recordMessage } from "../messages/record-form.js";
import { visitLabel } from "../messages/visit-details.js";
import { notice } from "../messages/visit-messages.js";
import type { AppContext, OutgoingMessage } from "../ports.js";
import { changeVisit } from "./change-visit.js";
import { commitVisit } from "./commit-visit.js";

export type RecordOutcome =
  | { ok: true; visit: Visit; duplicate?: boolean }
  | { ok: false; errors: FieldError[] }
  | { ok: false; error: DomainError };

const ENDED_FIRST = "The Home Visit Form is completed once the visit has ended (reply back, or left not returning).";

/** Who may open the Home Visit Form, and when: the pair, once the visit has ended. */
export async function openRecordForm(
  ctx: AppContext,
  actor: Actor,
  visitId: string,
): Promise<{ ok: true; form: NeutralForm } | { ok: false; error: DomainError }> {
  const id = normaliseVisitId(visitId);
  const visit = await ctx.store.getVisit(id);
  if (!visit) return { ok: false, error: new DomainError("visit-not-found", `There is no home visit ${id}.`) };
  const refused = refuseRecord(visit, actor);
  return refused ? { ok: false, error: refused } : { ok: true, form: recordForm(visit) };
}

function refuseRecord(visit: Visit, actor: Actor): DomainError | null {
  if (!isOnVisit(visit, actor.staffId))
    return new DomainError("not-allowed", "Only the staff who made the visit can complete its form.");
  if (!transition(visit.status, "complete_record").ok) return new DomainError("invalid-transition", ENDED_FIRST);
  return null;
}

/**
 * The lead (or the second member of staff) submits the Home Visit Form: validate it, store it as a
 * new, append-only record, close the visit, post it to the restricted records channel only, and
 * alert the DSL at once if it raises a safeguarding concern. A later submission is a correction;
 * the same submission arriving twice is one record.
 */
export async function submitRecord(
  ctx: AppContext,
  actor: Actor,
  visitId: string,
  values: Record<string, string | undefined>,
  options: { onceKey?: string } = {},
): Promise<RecordOutcome> {
  const parsed = parseVisitRecord(formToRecord(values));
  if (!parsed.ok) return parsed;
  const record = parsed.value;
  const result = await changeVisit(ctx, visitId, async (visit, tx, reach) => {
    if (options.onceKey && !(await tx.claimOnce(options.onceKey, { visitId: visit.id })).first) return { visit, duplicate: true };
    const refused = refuseRecord(visit, actor);
    if (refused) throw refused;
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
    const out = (target: OutgoingMessage["target"], message: OutgoingMessage["message"], critical = false): OutgoingMessage => ({
      visitId: visit.id,
      platform: visit.platform,
      target,
      message,
      critical,
    });
    const extra: OutgoingMessage[] = [
      out({ kind: "channel", role: "records" }, recordMessage(visit, record, actor.name, now, correction)),
      out({ kind: "visit_thread", visitId: visit.id }, notice(correction ? "Record corrected." : "Record completed.")),
    ];
    if (record.safeguardingConcern)
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
    const saved = await commitVisit(ctx, tx, reach, {
      visit: { ...visit, status: transition(visit.status, "complete_record").ok ? "closed" : visit.status, hasRecord: true },
      effects: [],
      actor,
      action: correction ? "record_corrected" : "record_submitted",
      detail: { safeguardingConcern: record.safeguardingConcern, supersedes: previous },
      extra,
    });
    return { visit: saved, duplicate: false };
  });
  if (!result.ok) return { ok: false, error: result.error };
  return { ok: true, visit: result.value.visit, duplicate: result.value.duplicate };
}

export { RECORD_FORM_ID };
