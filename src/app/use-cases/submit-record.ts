import { randomUUID } from "node:crypto";
import { DomainError, type FieldError, fail, ok, type Result } from "../../domain/domain-error.js";
import { stopsToRecord } from "../../domain/replies/next-stop.js";
import { type Stop, splitStopRef, stopsOf } from "../../domain/stops.js";
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
  ref: string,
): Promise<{ ok: true; form: NeutralForm } | { ok: false; error: DomainError }> {
  const { visitId, stopNumber } = splitStopRef(ref);
  const id = normaliseVisitId(visitId);
  const visit = await ctx.store.getVisit(id);
  if (!visit) return { ok: false, error: new DomainError("visit-not-found", `There is no home visit ${id}.`) };
  const refused = refuseRecord(visit, actor);
  if (refused) return { ok: false, error: refused };
  const stop = recordStop(visit, stopNumber);
  return stop.ok ? { ok: true, form: recordForm(visit, stop.value) } : stop;
}

/**
 * Which home a form is about: none on a visit to one home; on a day of visits, the stop it names
 * (or the first still without a form), which must be one the pair reached.
 */
export function recordStop(visit: Visit, stopNumber: number | null): Result<Stop | null> {
  const needed = stopsToRecord(visit);
  if (needed.length === 0) return ok(null);
  const recorded = visit.progress.recordedStops ?? [];
  const number = stopNumber ?? needed.find((n) => !recorded.includes(n)) ?? needed[0];
  const stop = stopsOf(visit).find((s) => s.number === number);
  if (!stop || !needed.includes(stop.number))
    return fail("invalid-record", `Stop ${number} of home visit ${visit.id} was not visited, so it has no Home Visit Form.`);
  return ok(stop);
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
  const { visitId: id, stopNumber } = splitStopRef(visitId);
  const result = await changeVisit(ctx, id, async (visit, tx, reach) => {
    if (options.onceKey && !(await tx.claimOnce(options.onceKey, { visitId: visit.id })).first) return { visit, duplicate: true };
    const refused = refuseRecord(visit, actor);
    if (refused) throw refused;
    const chosen = recordStop(visit, stopNumber);
    if (!chosen.ok) throw chosen.error;
    const stop = chosen.value;
    const now = ctx.clock.now();
    const recordedStops = [...new Set([...(visit.progress.recordedStops ?? []), ...(stop ? [stop.number] : [])])];
    const correction = stop ? (visit.progress.recordedStops ?? []).includes(stop.number) : visit.hasRecord;
    // The visit is recorded once every home it reached has its form.
    const complete = !stop || stopsToRecord(visit).every((n) => recordedStops.includes(n));
    const previous = correction ? await tx.latestRecordId(visit.id, stop?.number) : null;
    await tx.insertRecord(
      {
        id: randomUUID(),
        visitId: visit.id,
        submittedBy: actor.staffId,
        submittedAt: now,
        form: { ...record, signedBy: actor.name, ...(stop ? { stop: stop.number } : {}) },
        supersedes: previous,
      },
      { visitRecorded: complete || visit.hasRecord },
    );
    const out = (target: OutgoingMessage["target"], message: OutgoingMessage["message"], critical = false): OutgoingMessage => ({
      visitId: visit.id,
      platform: visit.platform,
      target,
      message,
      critical,
    });
    const extra: OutgoingMessage[] = [
      out({ kind: "channel", role: "records" }, recordMessage(visit, record, actor.name, now, correction, stop)),
      out({ kind: "visit_thread", visitId: visit.id }, notice(recordedText(visit, stop, correction, complete))),
    ];
    if (record.safeguardingConcern)
      for (const person of ctx.directory.staff.filter((p) => p.roles.includes("dsl") || p.roles.includes("deputy_dsl")))
        extra.push(
          out(
            { kind: "dm", staffId: person.id },
            {
              ...recordMessage(visit, record, actor.name, now, correction, stop),
              text: `Safeguarding concern raised on home visit ${visitLabel(visit)} by ${actor.name}`,
            },
            true,
          ),
        );
    const closes = complete && transition(visit.status, "complete_record").ok;
    const saved = await commitVisit(ctx, tx, reach, {
      visit: {
        ...visit,
        status: closes ? "closed" : visit.status,
        hasRecord: complete || visit.hasRecord,
        progress: stop ? { ...visit.progress, recordedStops } : visit.progress,
      },
      effects: [],
      actor,
      action: correction ? "record_corrected" : "record_submitted",
      detail: { safeguardingConcern: record.safeguardingConcern, supersedes: previous, ...(stop ? { stop: stop.number } : {}) },
      extra,
    });
    return { visit: saved, duplicate: false };
  });
  if (!result.ok) return { ok: false, error: result.error };
  return { ok: true, visit: result.value.visit, duplicate: result.value.duplicate };
}

/** What the visit's thread hears: initials and stop numbers only. */
function recordedText(visit: Visit, stop: Stop | null, correction: boolean, complete: boolean): string {
  if (!stop) return correction ? "Record corrected." : "Record completed.";
  const done = `${correction ? "Record corrected" : "Record completed"} for stop ${stop.number}.`;
  const left = stopsToRecord(visit).filter((n) => n !== stop.number && !(visit.progress.recordedStops ?? []).includes(n));
  return complete || left.length === 0
    ? `${done} Every home of the day now has its form.`
    : `${done} Still to do: stop ${left.join(", ")}.`;
}

export { RECORD_FORM_ID };
