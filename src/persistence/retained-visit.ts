/**
 * What of a visit outlives its retention period. Built from an allow-list, never by deleting
 * known fields: a field added later (a new note, a new free-text box) is dropped unless someone
 * decides here that it may stay. What stays answers "did this visit happen, who went, when, was
 * it authorised, did it end safely", and nothing about the pupil, the family or what was said.
 */

export const REMOVED = "[removed under the retention policy]";

type Json = Record<string, unknown>;

const asObject = (value: unknown): Json => (value && typeof value === "object" && !Array.isArray(value) ? (value as Json) : {});

/** Copies only the listed keys, and only when present, so the stored shape stays as it was. */
function pick(source: unknown, keys: readonly string[]): Json {
  const from = asObject(source);
  const out: Json = {};
  for (const key of keys) if (from[key] !== undefined) out[key] = from[key];
  return out;
}

const staff = (person: unknown): Json | null =>
  person ? { staffId: asObject(person).staffId ?? "", name: REMOVED, mobile: REMOVED } : null;

export function retainedRequest(request: unknown): Json {
  const r = asObject(request);
  return {
    ...pick(r, ["purposeId", "plannedStart", "durationMinutes", "expectedReturn", "parentsTold", "parentNoticeException"]),
    pupil: { name: REMOVED },
    address: REMOVED,
    lead: staff(r.lead) ?? { staffId: "", name: REMOVED, mobile: REMOVED },
    second: staff(r.second),
    vehicle: null,
    risks: { animals: false },
    responsibleContact: null,
  };
}

/** Who decided and what, not why: reasons and condition notes are free text. */
export function retainedDecision(decision: unknown): Json | null {
  if (!decision) return null;
  const d = asObject(decision);
  return {
    ...pick(d, ["outcome", "at"]),
    by: { staffId: asObject(d.by).staffId ?? "", name: REMOVED },
    ...(d.conditions ? { conditions: pick(d.conditions, ["requirePair", "policeAccompaniment"]) } : {}),
  };
}

const PROGRESS_TIMES = [
  "leftSchoolAt",
  "arrivedAt",
  "enteredAt",
  "leftAddressAt",
  "returnedAt",
  "notReturning",
  "expectedReturn",
] as const;

/** When the visit moved on, and whether an alarm or a cancellation happened; no notes or names. */
export function retainedProgress(progress: unknown): Json {
  const p = asObject(progress);
  const alarm = p.alarm ? pick(p.alarm, ["kind", "raisedAt", "repeats"]) : undefined;
  const cancelled = p.cancelled ? pick(p.cancelled, ["by", "at"]) : undefined;
  return {
    ...pick(p, PROGRESS_TIMES),
    ...(alarm ? { alarm: { ...alarm, acknowledged: null } } : {}),
    ...(cancelled ? { cancelled: { ...cancelled, name: REMOVED, reason: REMOVED } } : {}),
  };
}

/** The kinds of warning the approver saw; their text names people and other visits. */
export function retainedWarnings(warnings: unknown): Json[] {
  return (Array.isArray(warnings) ? warnings : []).map((w) => ({ code: asObject(w).code ?? "", text: REMOVED }));
}
