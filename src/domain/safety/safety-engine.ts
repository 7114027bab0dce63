import { addMinutes } from "../clock.js";
import type { Reach, SafetyEffect } from "../safety-effects.js";
import { classifyHours } from "../school-hours.js";
import { hasStops } from "../stops.js";
import type { Visit } from "../visit.js";
import { notStarted, staffAway, transition } from "../visit-lifecycle.js";
import { alarmDue, repeatAlarm } from "./alarm.js";
import { checkInDue, expectedBack, expectedStart } from "./check-in-schedule.js";
import { applyLadderStep, type Change, nextLadderStep, startLadder } from "./ladder.js";
import { leaveStopUnanswered } from "./stop-doorstep.js";

type DueKind =
  | "approval_reminder"
  | "open_thread"
  | "start_question"
  | "start_office"
  | "start_approver"
  | "doorstep_end"
  | "prompt"
  | "missed"
  | "overdue"
  | "ladder_step"
  | "alarm"
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

// When several things fall due together: settle the doorstep first, then prompts before misses.
const ORDER: readonly DueKind[] = [
  "approval_reminder",
  "open_thread",
  "start_question",
  "start_office",
  "start_approver",
  "doorstep_end",
  "prompt",
  "missed",
  "overdue",
  "ladder_step",
  "alarm",
  "record_lead",
  "record_dsl",
];

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
    const applied = applyDue(current, due, now, reach);
    current = applied.visit;
    effects.push(...applied.effects);
  }
  return { visit: current, effects, nextAt: earliestDue(current, reach)?.at ?? null };
}

function earliestDue(visit: Visit, reach: Reach): Due | null {
  const candidates: Due[] = [];
  const add = (kind: DueKind, at: Date | null, stepIndex?: number) => {
    if (at) candidates.push({ kind, at, ...(stepIndex === undefined ? {} : { stepIndex }) });
  };
  const p = visit.progress;
  const policy = visit.policy;
  if (visit.status === "requested" && policy.approval.remindAfterMinutes > 0 && !p.approvalRemindedAt)
    // Nobody has decided yet: say so where the approvers are, with how long it has waited.
    add("approval_reminder", addMinutes(visit.createdAt, policy.approval.remindAfterMinutes));
  if (visit.status === "approved" && !p.threadOpenedAt)
    // The thread opens on the day: an hour before the planned start, or at once if that has passed.
    add("open_thread", addMinutes(visit.request.plannedStart, -THREAD_LEAD_MINUTES));
  if (notStarted(visit)) addStartWatch(visit, add);
  if (staffAway(visit)) addAwayWatch(visit, add);
  if ((notStarted(visit) || staffAway(visit)) && p.ladder) {
    const step = nextLadderStep(visit, p.ladder, reach);
    if (step) add("ladder_step", step.at, step.stepIndex);
  }
  add("alarm", alarmDue(visit));
  if ((visit.status === "returned" || visit.status === "cancelled") && !staffAway(visit) && !visit.hasRecord) {
    const endedAt = p.returnedAt ?? p.leftAddressAt ?? p.arrivedAt;
    if (endedAt) {
      const ended = new Date(endedAt);
      if (!p.recordReminders?.lead) add("record_lead", addMinutes(ended, policy.records.reminderAfterMinutes));
      if (!p.recordReminders?.dsl) add("record_dsl", addMinutes(ended, policy.records.escalateToDslAfterMinutes));
    }
  }
  candidates.sort((a, b) => a.at.getTime() - b.at.getTime() || ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
  return candidates[0] ?? null;
}

type Add = (kind: DueKind, at: Date | null) => void;

/** Approved and nobody has set off: ask the pair, then the office, then the approver; overdue as usual. */
function addStartWatch(visit: Visit, add: Add): void {
  const p = visit.progress;
  const start = visit.policy.start;
  if (!p.start?.askedAt) add("start_question", addMinutes(expectedStart(visit), start.graceMinutes));
  else if (!p.start.officeToldAt) add("start_office", addMinutes(new Date(p.start.askedAt), start.officeAfterMinutes));
  else if (!p.start.approverToldAt) add("start_approver", addMinutes(new Date(p.start.officeToldAt), start.approverAfterMinutes));
  if (!p.ladder) add("overdue", overdueAt(visit));
}

/** Away from school: the doorstep wait, the check-in schedule, and the overdue return. */
function addAwayWatch(visit: Visit, add: Add): void {
  const p = visit.progress;
  const policy = visit.policy;
  if (p.doorstep) {
    const late = p.doorstep.parentsLate && policy.doorstep.parentsLateWaitMinutes !== null;
    const wait = late ? (policy.doorstep.parentsLateWaitMinutes ?? 0) : policy.doorstep.waitMinutes;
    add("doorstep_end", addMinutes(new Date(p.doorstep.startedAt), wait));
  }
  if (p.ladder) return;
  const due = checkInDue(visit);
  // Prompts go on after the code word, so nothing looks different to anyone watching the pair's
  // phones; a missed check-in or a late return adds nothing while an alarm already has people on it.
  if (due && p.promptedFor !== due.toISOString()) add("prompt", addMinutes(due, -policy.checkIns.reminderBeforeMinutes));
  if (p.alarm) return;
  if (due) add("missed", addMinutes(due, policy.checkIns.graceMinutes));
  add("overdue", overdueAt(visit));
}

/**
 * When staff not back count as overdue: the agreed return plus the tolerance. Staff who check in
 * after the agreed return has passed have answered the question the overdue ladder would ask: it
 * waits one check-in interval from then rather than pester them at once.
 */
function overdueAt(visit: Visit): Date {
  const back = expectedBack(visit);
  const expected = addMinutes(back, visit.policy.returnToleranceMinutes);
  const last = visit.progress.lastCheckIn ? new Date(visit.progress.lastCheckIn.at) : null;
  if (!last || last <= back) return expected;
  const afterCheckIn = addMinutes(last, visit.policy.checkIns.intervalMinutes);
  return afterCheckIn > expected ? afterCheckIn : expected;
}

function applyDue(visit: Visit, due: Due, now: Date, reach: Reach): Change {
  const p = visit.progress;
  const at = due.at.toISOString();
  const withProgress = (progress: Partial<Visit["progress"]>): Visit => ({ ...visit, progress: { ...p, ...progress } });
  switch (due.kind) {
    case "approval_reminder":
      return {
        visit: withProgress({ approvalRemindedAt: at }),
        effects: [{ type: "approval_reminder", waitingMinutes: visit.policy.approval.remindAfterMinutes }],
      };
    case "open_thread":
      return { visit: withProgress({ threadOpenedAt: at }), effects: [{ type: "open_thread" }] };
    case "start_question":
      return {
        visit: withProgress({ start: { ...p.start, askedAt: at } }),
        effects: [{ type: "start_question", plannedStart: expectedStart(visit).toISOString() }],
      };
    case "start_office":
    case "start_approver": {
      const to = due.kind === "start_office" ? "office" : "approver";
      const start = to === "office" ? { ...p.start, officeToldAt: at } : { ...p.start, approverToldAt: at };
      return {
        visit: withProgress({ start }),
        effects: [{ type: "not_started", to, askedAt: p.start?.askedAt ?? at }],
      };
    }
    case "prompt": {
      const checkIn = checkInDue(visit) ?? due.at;
      const responsibleContact = !!visit.request.responsibleContact && classifyHours(checkIn, visit.policy) !== "school_hours";
      return {
        visit: withProgress({ promptedFor: checkIn.toISOString() }),
        effects: [{ type: "prompt_check_in", due: checkIn.toISOString(), responsibleContact }],
      };
    }
    case "missed":
      return { visit: startLadder(visit, "missed_check_in", due.at), effects: [] };
    case "overdue":
      return { visit: startLadder(visit, notStarted(visit) ? "not_started" : "overdue_return", due.at), effects: [] };
    case "ladder_step":
      return applyLadderStep(visit, due.stepIndex ?? 0, due.at, reach);
    case "alarm":
      return repeatAlarm(visit, now, reach);
    case "doorstep_end": {
      if (hasStops(visit)) return leaveStopUnanswered(visit, due.at, reach);
      const cancelled = transition(visit.status, "cancel");
      return {
        visit: {
          ...withProgress({
            doorstep: undefined,
            ladder: null,
            cancelReason: "parents not present",
            leftAddressAt: at,
          }),
          status: cancelled.ok ? cancelled.value : visit.status,
        },
        effects: [
          {
            type: "doorstep_timeout",
            notify: visit.policy.attendance.notifyOnNoAnswer.filter(reach),
            reason: p.doorstep?.parentsLate ? "parents_late" : "no_answer",
          },
        ],
      };
    }
    case "record_lead":
    case "record_dsl": {
      const to = due.kind === "record_lead" ? "lead" : "dsl";
      return {
        visit: withProgress({ recordReminders: { ...p.recordReminders, [to]: at } }),
        effects: [{ type: "record_reminder", to }],
      };
    }
  }
}
