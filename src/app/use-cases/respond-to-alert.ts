import { addMinutes } from "../../domain/clock.js";
import { DomainError, type Result } from "../../domain/domain-error.js";
import { findStaff, hasAnyRole } from "../../domain/school-directory.js";
import type { Actor, Visit } from "../../domain/visit.js";
import { transition } from "../../domain/visit-lifecycle.js";
import type { AppContext } from "../app-context.js";
import { asResult } from "./as-result.js";
import { commitVisit } from "./commit-visit.js";
import { loadVisitForUpdate } from "./load-visit.js";

/** Roles that may act on an alert, besides whoever the ladder has already reached. */
function mayRespond(ctx: AppContext, visit: Visit, actor: Actor): boolean {
  const person = findStaff(ctx.directory, actor.staffId);
  const reached = visit.progress.ladder?.reached ?? [];
  const roles = [...new Set([...reached, ...visit.policy.escalation.codeWordNotify, ...visit.policy.approval.approverRoles])];
  return hasAnyRole(person, roles);
}

/**
 * "I'm calling them": pauses the ladder for the policy's time; it resumes unless the staff check
 * in or someone confirms they are safe. An acknowledgement never ends an escalation.
 */
export async function acknowledgeAlert(ctx: AppContext, actor: Actor, visitId: string, note?: string): Promise<Result<Visit>> {
  return asResult(async () => {
    const saved = await ctx.store.inTransaction(async (tx) => {
      const visit = await loadVisitForUpdate(tx, visitId);
      if (!mayRespond(ctx, visit, actor))
        throw new DomainError("not-allowed", "Only the people this alert went to can respond to it.");
      const ladder = visit.progress.ladder;
      if (!ladder) {
        if (visit.status === "emergency") {
          return commitVisit(ctx, tx, { visit, effects: [], actor, action: "emergency_acknowledged", detail: { note } });
        }
        throw new DomainError("invalid-transition", "There is no escalation running for this visit.");
      }
      const now = ctx.clock.now();
      const until = addMinutes(now, visit.policy.escalation.acknowledgePauseMinutes).toISOString();
      const acknowledged = { by: actor.name, at: now.toISOString(), until, ...(note ? { note } : {}) };
      return commitVisit(ctx, tx, {
        visit: { ...visit, progress: { ...visit.progress, ladder: { ...ladder, acknowledged } } },
        effects: [{ type: "ladder_acknowledged", by: actor.name, until, note, reached: ladder.reached }],
        actor,
        action: "escalation_acknowledged",
        detail: { until, note },
      });
    });
    ctx.kick();
    return saved;
  });
}

/** A leader confirms the staff are safe: the ladder stops, and a code-word emergency stands down. */
export async function confirmStaffSafe(ctx: AppContext, actor: Actor, visitId: string): Promise<Result<Visit>> {
  return asResult(async () => {
    const saved = await ctx.store.inTransaction(async (tx) => {
      const visit = await loadVisitForUpdate(tx, visitId);
      if (!mayRespond(ctx, visit, actor))
        throw new DomainError("not-allowed", "Only the people this alert went to can stand it down.");
      const ladder = visit.progress.ladder;
      let status = visit.status;
      if (status === "emergency") {
        const next = transition(status, "stand_down");
        if (next.ok) status = next.value;
      } else if (!ladder) {
        throw new DomainError("invalid-transition", "There is no alert running for this visit.");
      }
      const now = ctx.clock.now().toISOString();
      return commitVisit(ctx, tx, {
        visit: {
          ...visit,
          status,
          progress: {
            ...visit.progress,
            ladder: null,
            ...(status === "returned" && !visit.progress.returnedAt ? { returnedAt: now } : {}),
            lastCheckIn: { at: now, by: actor.staffId, place: `confirmed safe by ${actor.name}` },
            nextCheckInDue: undefined,
            promptedFor: undefined,
          },
        },
        effects: [
          { type: "ladder_stood_down", by: actor.name, reached: [...new Set([...(ladder?.reached ?? []), "alerts"])] },
          // An emergency that ends with staff safe ends the visit: its form is asked for now.
          ...(status === "returned" && visit.status === "emergency" ? [{ type: "request_record" as const }] : []),
        ],
        actor,
        action: "staff_confirmed_safe",
      });
    });
    ctx.kick();
    return saved;
  });
}
