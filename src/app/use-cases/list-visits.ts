import { checkInDue, expectedStart } from "../../domain/safety/check-in-schedule.js";
import { findStaff, hasAnyRole } from "../../domain/school-directory.js";
import { type Actor, isOnVisit, type Visit } from "../../domain/visit.js";
import { describeStatus, notStarted } from "../../domain/visit-lifecycle.js";
import { staffNames, visitLabel, when } from "../messages/visit-details.js";
import type { AppContext } from "../ports.js";

const OPEN = [
  "requested",
  "changes_requested",
  "approved",
  "under_way",
  "at_address",
  "in_home",
  "left_address",
  "returned",
  "cancelled",
];

/** `/homevisit status`: my visits and what is due next. Never a word of an alarm: it may be silent. */
export async function describeMyVisits(ctx: AppContext, actor: Actor): Promise<string> {
  const visits = (await ctx.store.listVisits({ staffId: actor.staffId, statuses: OPEN, limit: 20 })).filter(stillOpen);
  if (visits.length === 0) return "You have no open home visits. Type homevisit to request one.";
  return ["Your home visits:", ...visits.map((visit) => `• ${line(visit)} — ${nextFor(visit, actor)}`)].join("\n");
}

/** `/homevisit list`: today's and upcoming visits, for approvers and the office. */
export async function listUpcomingVisits(ctx: AppContext, actor: Actor): Promise<string | null> {
  const person = findStaff(ctx.directory, actor.staffId);
  if (!hasAnyRole(person, [...ctx.policy.approval.approverRoles, "office", "headteacher", "dsl"])) return null;
  const from = new Date(ctx.clock.now().getTime() - 24 * 3600_000);
  const visits = (await ctx.store.listVisits({ statuses: OPEN, from, limit: 50 })).filter(stillOpen);
  if (visits.length === 0) return "No open home visits.";
  return ["Open and upcoming home visits:", ...visits.map((visit) => `• ${line(visit)} — ${nextFor(visit, actor)}`)].join("\n");
}

/** A cancelled visit stays listed while its staff are out; a returned one until its form is in. */
function stillOpen(visit: Visit): boolean {
  if (visit.status === "cancelled") return !!visit.progress.leftSchoolAt && !visit.progress.returnedAt;
  if (visit.status === "returned") return !visit.hasRecord;
  return true;
}

function line(visit: Visit): string {
  return `${visitLabel(visit)} ${when(visit, visit.request.plannedStart)}, ${staffNames(visit)}: ${describeStatus(visit.status)}`;
}

/**
 * What happens next, as the reader should see it. The pair never see an alarm or a ladder they did
 * not cause by missing a check-in (the code word's alarm is silent); everyone else sees it first.
 */
function nextFor(visit: Visit, reader: Actor): string {
  const alarm = visit.progress.alarm;
  if (alarm && !isOnVisit(visit, reader.staffId)) {
    const taken = alarm.acknowledged ? `taken by ${alarm.acknowledged.name}` : "NOT YET TAKEN";
    return `🚨 ALARM (${alarm.kind === "code_word" ? "code word" : alarm.kind === "help" ? "help asked for" : "staff not reached"}): ${taken}`;
  }
  if (visit.status === "requested") return "waiting for approval";
  if (notStarted(visit)) return `set off by ${when(visit, expectedStart(visit))}: reply leaving when you go`;
  if (visit.status === "returned") return "Home Visit Form to complete";
  if (visit.status === "cancelled") return "cancelled: reply back when you are at school";
  if (visit.progress.ladder && !alarm) return "missed check-in: reply ok now";
  const due = checkInDue(visit);
  return due ? `next check-in by ${when(visit, due)}` : "nothing due";
}
