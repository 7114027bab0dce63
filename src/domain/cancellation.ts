import { fail, ok, type Result } from "./domain-error.js";
import type { SafetyEffect } from "./safety-effects.js";
import type { Visit } from "./visit.js";
import { staffAway, transition } from "./visit-lifecycle.js";

/**
 * Cancels a visit. Once approved, a cancellation needs a reason (it is in the audit trail and the
 * export) and the policy's roles are told. Staff who are out stop checking in and are asked to say
 * back when they are safe; the overdue watch stays until they do.
 */
export function cancel(
  visit: Visit,
  by: { staffId: string; name: string },
  reason: string,
  now: Date,
): Result<{ visit: Visit; effects: SafetyEffect[] }> {
  const decided = visit.status !== "requested" && visit.status !== "changes_requested";
  const why = reason.trim();
  if (decided && !why)
    return fail("invalid-request", `Give a reason, e.g. homevisit cancel ${visit.id} parents asked to rearrange.`, {
      field: "reason",
    });
  const next = transition(visit.status, "cancel");
  if (!next.ok) return next;
  const away = staffAway(visit);
  const at = now.toISOString();
  const p = visit.progress;
  const cancelled: Visit = {
    ...visit,
    status: next.value,
    progress: {
      ...p,
      cancelReason: why || "cancelled",
      cancelled: { by: by.staffId, name: by.name, at, reason: why || "cancelled" },
      ladder: null,
      doorstep: undefined,
      nextCheckInDue: undefined,
      promptedFor: undefined,
      ...(p.arrivedAt && !p.leftAddressAt ? { leftAddressAt: at } : {}),
    },
  };
  return ok({
    visit: cancelled,
    effects: [
      {
        type: "visit_cancelled",
        by: by.name,
        reason: why || "cancelled",
        staffAway: away,
        notify: decided ? visit.policy.cancellation.notify : [],
      },
    ],
  });
}
