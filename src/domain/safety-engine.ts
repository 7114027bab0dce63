import { addMinutes } from "./clock.js";
import type { Reach, SafetyEffect } from "./safety-effects.js";
import { classifyHours } from "./school-hours.js";
import type { LadderReason, LadderState, Visit } from "./visit.js";
import { staffAway, transition } from "./visit-lifecycle.js";

type DueKind =
  | "approval_reminder"
  | "open_thread"
  | "prompt"
  | "missed"
  | "overdue"
  | "ladder_step"
  | "doorstep_end"
  | "record_lead"
  | "record_dsl";

interface Due {
  kind: DueKind;
  at: Date;
  stepIndex?: number;
}

export interface StepOutcome {
  visit: Visit;
  effects: SafetyEffect[];
  /** When nextStep should run again for this visit; null when nothing is pending. */
  nextAt: Date | null;
}

const MAX_CATCH_UP = 50;
const THREAD_LEAD_MINUTES = 60;

/**
 * The safety engine: given a visit and the time, carries out everything that has fallen due, in
 * order (so a late tick catches up), and says when it next needs to look. Pure: no I/O.
 */
export function nextStep(visit: Visit, now: Date, reach: Reach): StepOutcome {
  let current = visit;
  const effects: SafetyEffect[] = [];
  for (let i = 0; i < MAX_CATCH_UP; i++) {
    const due = earliestDue(current, reach);
    if (!due || due.at.getTime() > now.getTime()) return { visit: current, effects, nextAt: due?.at ?? null };
    const applied = applyDue(current, due, reach);
    current = applied.visit;
    effects.push(...applied.effects);
  }
  return { visit: current, effects, nextAt: earliestDue(current, reach)?.at ?? null };
}

/** When the pair must next check in. */
export function checkInDue(visit: Visit): Date | null {
  const p = visit.progress;
  if (!staffAway(visit)) return null;
  if (p.nextCheckInDue) return new Date(p.nextCheckInDue);
  const from = p.lastCheckIn?.at ?? p.leftSchoolAt;
  return from ? addMinutes(new Date(from), visit.policy.checkIns.intervalMinutes) : null;
}

function earliestDue(visit: Visit, reach: Reach): Due | null {
  const candidates: Due[] = [];
  const p = visit.progress;
  const policy = visit.policy;
  const remindAfter = policy.approval.remindAfterMinutes;
  if (visit.status === "requested" && remindAfter > 0 && !p.approvalRemindedAt) {
    // Nobody has decided yet: say so where the approvers are, with how long it has waited.
    candidates.push({ kind: "approval_reminder", at: addMinutes(visit.createdAt, remindAfter) });
  }
  if (visit.status === "approved" && !p.threadOpenedAt) {
    // The thread opens on the day: an hour before the planned start, or at once if that has passed.
    candidates.push({ kind: "open_thread", at: addMinutes(visit.request.plannedStart, -THREAD_LEAD_MINUTES) });
  }
  if (staffAway(visit)) {
    if (p.doorstep) {
      const late = p.doorstep.parentsLate && policy.doorstep.parentsLateWaitMinutes !== null;
      const wait = late ? (policy.doorstep.parentsLateWaitMinutes ?? 0) : policy.doorstep.waitMinutes;
      candidates.push({ kind: "doorstep_end", at: addMinutes(new Date(p.doorstep.startedAt), wait) });
    }
    if (p.ladder) {
      const step = nextLadderStep(visit, p.ladder, reach);
      if (step) candidates.push(step);
    } else {
      const due = checkInDue(visit);
      if (due) {
        if (p.promptedFor !== due.toISOString())
          candidates.push({ kind: "prompt", at: addMinutes(due, -policy.checkIns.reminderBeforeMinutes) });
        candidates.push({ kind: "missed", at: addMinutes(due, policy.checkIns.graceMinutes) });
      }
      candidates.push({ kind: "overdue", at: addMinutes(new Date(p.expectedReturn), policy.returnToleranceMinutes) });
    }
  } else if ((visit.status === "returned" || visit.status === "cancelled") && !visit.hasRecord) {
    const endedAt = p.returnedAt ?? p.leftAddressAt ?? p.arrivedAt;
    if (endedAt) {
      const ended = new Date(endedAt);
      if (!p.recordReminders?.lead)
        candidates.push({ kind: "record_lead", at: addMinutes(ended, policy.records.reminderAfterMinutes) });
      if (!p.recordReminders?.dsl)
        candidates.push({ kind: "record_dsl", at: addMinutes(ended, policy.records.escalateToDslAfterMinutes) });
    }
  }
  candidates.sort((a, b) => a.at.getTime() - b.at.getTime() || order(a.kind) - order(b.kind));
  return candidates[0] ?? null;
}

// When two things fall due together, settle the doorstep first, then prompts before misses.
function order(kind: DueKind): number {
  return [
    "approval_reminder",
    "open_thread",
    "doorstep_end",
    "prompt",
    "missed",
    "overdue",
    "ladder_step",
    "record_lead",
    "record_dsl",
  ].indexOf(kind);
}

/** The next step of the ladder that someone can act on; empty steps are skipped, not waited out. */
function nextLadderStep(visit: Visit, ladder: LadderState, reach: Reach): Due | null {
  const steps = visit.policy.escalation.steps;
  for (let index = ladder.stepIndex + 1; index < steps.length; index++) {
    const step = steps[index];
    if (!step) break;
    let at = addMinutes(new Date(ladder.lastStepAt ?? ladder.startedAt), step.afterMinutes);
    if (ladder.acknowledged) {
      const until = new Date(ladder.acknowledged.until);
      if (until > at) at = until;
    }
    // Who can be reached is decided at the step's own time, as applyDue will decide it.
    if (resolveTargets(visit, step.notify, at, reach).length === 0) continue;
    return { kind: "ladder_step", at, stepIndex: index };
  }
  return null;
}

/**
 * Who a step reaches. Out of school hours the office is not there, so the responsible contact
 * named on the visit stands in for it (Ordsall's rule).
 */
export function resolveTargets(visit: Visit, notify: readonly string[], at: Date, reach: Reach): string[] {
  const outOfHours = classifyHours(at, visit.policy) !== "school_hours";
  // Only a contact we can message replaces the office; otherwise the office is still tried.
  const contactReachable = !!visit.request.responsibleContact?.staffId;
  const targets = notify.map((target) =>
    target === "office" && outOfHours && contactReachable ? "responsible_contact" : target,
  );
  return [...new Set(targets)].filter((target) => (target === "responsible_contact" ? contactReachable : reach(target)));
}

function startLadder(visit: Visit, reason: LadderReason, at: Date): Visit {
  const ladder: LadderState = {
    reason,
    startedAt: at.toISOString(),
    stepIndex: -1,
    lastStepAt: null,
    reached: [],
    acknowledged: null,
  };
  return { ...visit, progress: { ...visit.progress, ladder } };
}

function applyDue(visit: Visit, due: Due, reach: Reach): { visit: Visit; effects: SafetyEffect[] } {
  const p = visit.progress;
  switch (due.kind) {
    case "approval_reminder":
      return {
        visit: { ...visit, progress: { ...p, approvalRemindedAt: due.at.toISOString() } },
        effects: [{ type: "approval_reminder", waitingMinutes: visit.policy.approval.remindAfterMinutes }],
      };
    case "open_thread":
      return {
        visit: { ...visit, progress: { ...p, threadOpenedAt: due.at.toISOString() } },
        effects: [{ type: "open_thread" }],
      };
    case "prompt": {
      const checkIn = checkInDue(visit) ?? due.at;
      const responsibleContact = !!visit.request.responsibleContact && classifyHours(checkIn, visit.policy) !== "school_hours";
      return {
        visit: { ...visit, progress: { ...p, promptedFor: checkIn.toISOString() } },
        effects: [{ type: "prompt_check_in", due: checkIn.toISOString(), responsibleContact }],
      };
    }
    case "missed":
      return { visit: startLadder(visit, "missed_check_in", due.at), effects: [] };
    case "overdue":
      return { visit: startLadder(visit, "overdue_return", due.at), effects: [] };
    case "ladder_step": {
      const ladder = p.ladder as LadderState;
      const index = due.stepIndex ?? 0;
      const step = visit.policy.escalation.steps[index];
      if (!step) return { visit, effects: [] };
      const targets = resolveTargets(visit, step.notify, due.at, reach);
      const next: LadderState = {
        ...ladder,
        stepIndex: index,
        lastStepAt: due.at.toISOString(),
        reached: [...new Set([...ladder.reached, ...targets])],
        acknowledged: null,
      };
      return {
        visit: { ...visit, progress: { ...p, ladder: next } },
        effects: [{ type: "escalation_step", step, stepIndex: index, reason: ladder.reason, targets }],
      };
    }
    case "doorstep_end": {
      const cancelled = transition(visit.status, "cancel");
      return {
        visit: {
          ...visit,
          status: cancelled.ok ? cancelled.value : visit.status,
          progress: {
            ...p,
            doorstep: undefined,
            ladder: null,
            cancelReason: "parents not present",
            leftAddressAt: due.at.toISOString(),
          },
        },
        effects: [{ type: "doorstep_timeout", notify: visit.policy.attendance.notifyOnNoAnswer.filter(reach) }],
      };
    }
    case "record_lead":
      return {
        visit: { ...visit, progress: { ...p, recordReminders: { ...p.recordReminders, lead: due.at.toISOString() } } },
        effects: [{ type: "record_reminder", to: "lead" }],
      };
    case "record_dsl":
      return {
        visit: { ...visit, progress: { ...p, recordReminders: { ...p.recordReminders, dsl: due.at.toISOString() } } },
        effects: [{ type: "record_reminder", to: "dsl" }],
      };
  }
}
