import { checkInDue } from "../../domain/safety-engine.js";
import { findStaff, hasAnyRole } from "../../domain/school-directory.js";
import type { Actor, Visit } from "../../domain/visit.js";
import type { AppContext } from "../app-context.js";
import { staffNames, visitLabel, when } from "../messages/visit-details.js";

const OPEN = [
  "requested",
  "changes_requested",
  "approved",
  "under_way",
  "at_address",
  "in_home",
  "left_address",
  "emergency",
  "returned",
];

/** `/homevisit status`: my visits and what is due next. */
export async function describeMyVisits(ctx: AppContext, actor: Actor): Promise<string> {
  const visits = await ctx.store.listVisits({ staffId: actor.staffId, statuses: OPEN, limit: 20 });
  if (visits.length === 0) return "You have no open home visits. Type /homevisit to request one.";
  return ["Your home visits:", ...visits.map((visit) => `• ${line(visit)} — ${nextFor(visit)}`)].join("\n");
}

/** `/homevisit list`: today's and upcoming visits, for approvers and the office. */
export async function listUpcomingVisits(ctx: AppContext, actor: Actor): Promise<string | null> {
  const person = findStaff(ctx.directory, actor.staffId);
  if (!hasAnyRole(person, [...ctx.policy.approval.approverRoles, "office", "headteacher", "dsl"])) return null;
  const now = ctx.clock.now();
  const from = new Date(now.getTime() - 24 * 3600_000);
  const visits = await ctx.store.listVisits({ statuses: OPEN, from, limit: 50 });
  if (visits.length === 0) return "No open home visits.";
  return ["Open and upcoming home visits:", ...visits.map((visit) => `• ${line(visit)} — ${nextFor(visit)}`)].join("\n");
}

function line(visit: Visit): string {
  return `${visitLabel(visit)} ${when(visit, visit.request.plannedStart)}, ${staffNames(visit)}: ${visit.status.replace(/_/g, " ")}`;
}

function nextFor(visit: Visit): string {
  if (visit.status === "requested") return "waiting for approval";
  if (visit.status === "approved") return "reply leaving in the thread when you set off";
  if (visit.status === "emergency") return "emergency raised";
  if (visit.status === "returned" && !visit.hasRecord) return "Home Visit Form to complete";
  if (visit.progress.ladder) return "escalating: check in now";
  const due = checkInDue(visit);
  return due ? `next check-in by ${when(visit, due)}` : "nothing due";
}
