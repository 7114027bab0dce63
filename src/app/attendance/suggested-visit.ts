import type { Result } from "../../domain/domain-error.js";
import type { Actor } from "../../domain/visit.js";
import type { PolicyWarning } from "../../domain/visit-request.js";
import { ATTENDANCE_FORMS } from "../messages/attendance-triggers.js";
import type { NeutralForm } from "../messages/neutral-message.js";
import { formToRequest, requestForm } from "../messages/request-form.js";
import type { AppContext } from "../ports.js";
import { type RequestOutcome, requestVisit } from "../use-cases/request-visit.js";
import type { TriggerRow } from "./attendance-port.js";
import { triggerFor } from "./dismiss-trigger.js";

/** "Request the visit" on a trigger: the request form with the pupil, address and days absent filled in. */
export async function suggestedVisitForm(ctx: AppContext, actor: Actor, triggerId: string): Promise<Result<NeutralForm>> {
  const found = await triggerFor(ctx, actor, triggerId);
  if (!found.ok) return found;
  const trigger = found.value;
  const pupil = await ctx.store.attendance.getPupil(trigger.pupilId);
  const base = requestForm(ctx.policy, ctx.directory, actor.staffId);
  const days = (trigger.detail.days as string[] | undefined) ?? [];
  const initial: Record<string, string> = {
    pupil_name: pupil?.name ?? "",
    pupil_mis: trigger.pupilId,
    address: pupil?.address ?? "",
    purpose: purposeFor(ctx, trigger),
    risk_history: `Absent ${days.length} school days (${days[0] ?? trigger.episode} to ${days.at(-1) ?? trigger.episode}), from the attendance register.`,
  };
  return {
    ok: true,
    value: {
      ...base,
      id: ATTENDANCE_FORMS.requestVisit,
      intro:
        mustTakePlace(trigger) ?? `Safe-and-well visit suggested: absent ${days.length} school days with no successful contact.`,
      fields: base.fields.map((field) => (initial[field.id] ? { ...field, initial: initial[field.id] } : field)),
      metadata: trigger.id,
    },
  };
}

/** The words, in bold, that a day-6 visit is not optional: on the form and on the approval card. */
function mustTakePlace(trigger: TriggerRow): string | null {
  if (trigger.kind !== "must_see") return null;
  const days = (trigger.detail.days as string[] | undefined)?.length ?? 0;
  return `*This visit must take place: the child has not been seen for ${days} school days.*`;
}

function purposeFor(ctx: AppContext, trigger: TriggerRow): string {
  const ids = ctx.policy.purposes.map((p) => p.id);
  const wanted =
    trigger.kind === "safe_and_well" || trigger.kind === "must_see" ? ["safe_and_well", "attendance"] : ["attendance"];
  return wanted.find((id) => ids.includes(id)) ?? ctx.policy.purposes.find((p) => p.safeguarding)?.id ?? ids[0] ?? "";
}

/** The prefilled request, submitted: an ordinary request, linked to its trigger, flagged in bold when it must happen. */
export async function requestSuggestedVisit(
  ctx: AppContext,
  actor: Actor,
  triggerId: string,
  values: Record<string, string>,
  onceKey?: string,
): Promise<RequestOutcome> {
  const trigger = await ctx.store.attendance.getTrigger(triggerId);
  const must = trigger ? mustTakePlace(trigger) : null;
  const warnings: PolicyWarning[] = must ? [{ code: "must-take-place", text: must }] : [];
  const outcome = await requestVisit(ctx, actor, formToRequest(values, actor.staffId, ctx.directory), {
    confirmByMessage: true,
    extraWarnings: warnings,
    ...(onceKey ? { onceKey } : {}),
  });
  if (outcome.ok && trigger && !outcome.duplicate)
    await ctx.store.attendance.inTransaction(async (tx) => {
      await tx.updateTrigger(trigger.id, { visitId: outcome.visit.id });
      await tx.appendAudit({
        visitId: outcome.visit.id,
        at: ctx.clock.now(),
        actorId: actor.staffId,
        actor: actor.name,
        platform: actor.platform,
        action: "attendance_visit_requested",
        detail: { trigger: trigger.id, kind: trigger.kind },
      });
    });
  return outcome;
}
