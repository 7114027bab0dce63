import { addMinutes } from "../clock.js";
import { fail, ok, type Result } from "../domain-error.js";
import { raiseAlarm } from "../safety/alarm.js";
import { cancelledWhileAway, checkInDue, expectedStart } from "../safety/check-in-schedule.js";
import type { Reach, ReplyAnswer, SafetyEffect } from "../safety-effects.js";
import { isOnVisit, type Visit } from "../visit.js";
import { notStarted, staffAway, type VisitEvent } from "../visit-lifecycle.js";
import { describePlace, doorstepEnd, move, notNow, setOff, withCheckIn } from "./check-in.js";
import { closeStops, moveToNextStop } from "./next-stop.js";
import type { VisitReply } from "./reply-words.js";

/** What one of the pair sent: a reply, the code word, or words homevisit does not read. */
export type ReplyInput = VisitReply | { type: "code_word" } | { type: "unknown"; text: string };

export interface ReplyOutcome {
  visit: Visit;
  effects: SafetyEffect[];
  /** The audit action, e.g. "checked_in", "arrived". */
  action: string;
}

const MAX_DELAY_MINUTES = 240;

/**
 * Applies a message from one of the pair. Null when it is ordinary conversation about a visit that
 * is not running. Every check-in stops a running ladder and says so wherever the ladder reached.
 */
export function applyReply(
  visit: Visit,
  reply: ReplyInput,
  staffId: string,
  now: Date,
  reach: Reach,
): Result<ReplyOutcome | null> {
  const outcome = readReply(visit, reply, staffId, now, reach);
  if (!outcome.ok || !outcome.value || visit.status !== "approved" || visit.progress.threadOpenedAt) return outcome;
  // They are writing about a visit whose thread would open later (an hour before the start): open
  // it now, first, so nothing said about the visit waits for a thread that does not exist.
  const { visit: next, effects, action } = outcome.value;
  return ok({
    visit: { ...next, progress: { ...next.progress, threadOpenedAt: now.toISOString() } },
    effects: [{ type: "open_thread" }, ...effects],
    action,
  });
}

function readReply(visit: Visit, reply: ReplyInput, staffId: string, now: Date, reach: Reach): Result<ReplyOutcome | null> {
  if (!isOnVisit(visit, staffId))
    return fail("not-on-visit", "Only the staff on this visit can check in here.", { visitId: visit.id });
  const answer = (a: ReplyAnswer): SafetyEffect => ({ type: "answer", answer: a, to: staffId });
  const done = (next: Visit, effects: SafetyEffect[], action: string): Result<ReplyOutcome> =>
    ok({ visit: next, effects, action });
  const nextDue = (v: Visit) => (checkInDue(v) ?? addMinutes(now, v.policy.checkIns.intervalMinutes)).toISOString();

  switch (reply.type) {
    case "code_word":
      return codeWord(visit, staffId, now, reach);
    case "alarm": {
      const raised = raiseAlarm(visit, "help", staffId, now, reach);
      return done(raised.visit, [...raised.effects, answer({ kind: "alarm_raised" })], "help_alarm");
    }
    case "unknown": {
      if (!watched(visit)) return ok(null);
      return done(
        visit,
        [answer({ kind: "not_understood" }), { type: "unread_message", by: staffId, text: reply.text }],
        "unread_message",
      );
    }
    case "help":
      return done(visit, [answer({ kind: "help", everyMinutes: visit.policy.checkIns.intervalMinutes })], "help");
    case "ok":
    case "leaving": {
      if (notStarted(visit)) return startOff(visit, staffId, now);
      if (!staffAway(visit)) return notNow(visit, "check in");
      const updated = withCheckIn(visit, staffId, now, describePlace(visit));
      const due = cancelledWhileAway(updated.visit) ? null : nextDue(updated.visit);
      return done(
        updated.visit,
        [
          ...updated.effects,
          answer(due ? { kind: "checked_in", at: now.toISOString(), nextDue: due } : { kind: "cancelled_reply_back" }),
        ],
        "checked_in",
      );
    }
    case "arrived":
    case "no_answer":
    case "parents_late":
      return atTheDoor(visit, reply.type, staffId, now);
    case "in": {
      // "in" twice (a double send, a second phone) is a check-in, not an error.
      if (visit.status === "in_home") return applyReply(visit, { type: "ok" }, staffId, now, reach);
      const events: VisitEvent[] = [...leaveFirst(visit), ...(visit.status === "at_address" ? [] : ["arrive" as const])];
      const moved = move(visit, [...events, "enter_home"]);
      if (!moved.ok) return notNow(visit, "say you are inside");
      const entered = withArrival(moved.value, staffId, now, { enteredAt: now.toISOString(), doorstep: undefined });
      const updated = withCheckIn(entered, staffId, now, "inside the home");
      return done(
        updated.visit,
        [...updated.effects, answer({ kind: "inside", nextDue: nextDue(updated.visit) })],
        "entered_home",
      );
    }
    case "delay":
      return delay(visit, reply.minutes, staffId, now);
    case "next":
      return moveToNextStop(visit, staffId, now);
    case "left": {
      const events: VisitEvent[] = [...leaveFirst(visit), "leave_address", ...(reply.notReturning ? (["return"] as const) : [])];
      if (visit.status === "left_address") events.splice(events.indexOf("leave_address"), 1);
      const moved = move(visit, events);
      if (!moved.ok) return notNow(visit, "say you have left");
      const left = withArrival(moved.value, staffId, now, {
        leftAddressAt: now.toISOString(),
        doorstep: undefined,
        ...(reply.notReturning ? { returnedAt: now.toISOString(), notReturning: true } : {}),
      });
      const updated = withCheckIn(left, staffId, now, "left the address");
      if (reply.notReturning) {
        const closed = closeStops(updated.visit, now);
        const ended = answer({ kind: "ended_not_returning", ...closed.said });
        const visitEnded = { ...updated.visit, progress: { ...closed.progress, ladder: null } };
        return done(visitEnded, [...updated.effects, ended, { type: "request_record" }], "left_not_returning");
      }
      const due = cancelledWhileAway(updated.visit) ? null : nextDue(updated.visit);
      return done(
        updated.visit,
        [...updated.effects, answer(due ? { kind: "left_address", nextDue: due } : { kind: "cancelled_reply_back" })],
        "left_address",
      );
    }
    case "back": {
      const events: VisitEvent[] = [
        ...leaveFirst(visit),
        ...(visit.status === "at_address" || visit.status === "in_home" ? (["leave_address"] as const) : []),
        "return",
      ];
      const moved = move(visit, events);
      if (!moved.ok) return notNow(visit, "say you are back");
      const updated = withCheckIn(moved.value, staffId, now, "back at school");
      const closed = closeStops(updated.visit, now);
      const returned: Visit = {
        ...updated.visit,
        progress: {
          ...closed.progress,
          leftSchoolAt: visit.progress.leftSchoolAt ?? now.toISOString(),
          leftAddressAt: visit.progress.leftAddressAt ?? now.toISOString(),
          returnedAt: now.toISOString(),
          doorstep: undefined,
          ladder: null,
        },
      };
      const welcome = answer({ kind: "welcome_back", ...closed.said });
      return done(returned, [...updated.effects, welcome, { type: "request_record" }], "returned");
    }
  }
}

/** Watched right now: approved and due out, away from school, or with an alarm out. */
function watched(visit: Visit): boolean {
  return notStarted(visit) || staffAway(visit) || !!visit.progress.alarm;
}

/** A reply that says they are already out, sent before "leaving": they set off, silently, now. */
function leaveFirst(visit: Visit): VisitEvent[] {
  return notStarted(visit) ? ["leave_school"] : [];
}

function withArrival(visit: Visit, staffId: string, now: Date, progress: Partial<Visit["progress"]>): Visit {
  const started = visit.progress.leftSchoolAt ? visit : setOff(visit, staffId, now);
  return {
    ...started,
    status: visit.status,
    progress: { ...started.progress, arrivedAt: started.progress.arrivedAt ?? now.toISOString(), ...progress },
  };
}

function startOff(visit: Visit, staffId: string, now: Date): Result<ReplyOutcome> {
  const moved = move(visit, ["leave_school"]);
  if (!moved.ok) return notNow(visit, "set off");
  const started = withCheckIn(setOff(moved.value, staffId, now), staffId, now, "leaving school");
  const due = checkInDue(started.visit) ?? addMinutes(now, visit.policy.checkIns.intervalMinutes);
  const answer: ReplyAnswer = {
    kind: "set_off",
    nextDue: due.toISOString(),
    everyMinutes: visit.policy.checkIns.intervalMinutes,
    policeAccompaniment: !!visit.decision?.conditions?.policeAccompaniment,
  };
  return ok({
    visit: started.visit,
    effects: [...started.effects, { type: "answer", answer, to: staffId }],
    action: "left_school",
  });
}

function atTheDoor(
  visit: Visit,
  type: "arrived" | "no_answer" | "parents_late",
  staffId: string,
  now: Date,
): Result<ReplyOutcome> {
  const moved = visit.status === "at_address" ? ok(visit) : move(visit, [...leaveFirst(visit), "arrive"]);
  if (!moved.ok) return notNow(visit, type === "arrived" ? "arrive" : "wait at the door");
  const allowed = visit.policy.doorstep.parentsLateWaitMinutes !== null;
  const current = moved.value.progress.doorstep;
  const doorstep = {
    startedAt: current?.startedAt ?? now.toISOString(),
    parentsLate: type === "parents_late" ? allowed : (current?.parentsLate ?? false),
    ...(type === "no_answer" || current?.noAnswer ? { noAnswer: true } : {}),
  };
  // The school's card, once per visit, when its policy has one (Lincolnshire's Appendix B).
  const card = type === "no_answer" && visit.policy.records.weCalledTodayCard && !visit.progress.weCalledCard;
  const arrived = withArrival(moved.value, staffId, now, {
    doorstep,
    ...(card ? { weCalledCard: { at: now.toISOString() } } : {}),
  });
  const updated = withCheckIn(arrived, staffId, now, "at the address");
  const waitUntil = doorstepEnd(updated.visit, now).toISOString();
  const answer: ReplyAnswer =
    type === "parents_late"
      ? { kind: "parents_late", waitUntil, extended: allowed }
      : type === "no_answer"
        ? { kind: "no_answer", waitUntil }
        : { kind: "at_door", waitUntil };
  const cardEffect: SafetyEffect[] = card ? [{ type: "we_called_card", at: now.toISOString() }] : [];
  return ok({
    visit: updated.visit,
    effects: [...updated.effects, { type: "answer", answer, to: staffId }, ...cardEffect],
    action: type,
  });
}

function delay(visit: Visit, minutes: number, staffId: string, now: Date): Result<ReplyOutcome> {
  if (minutes < 1 || minutes > MAX_DELAY_MINUTES)
    return fail("invalid-request", `Give a delay between 1 and ${MAX_DELAY_MINUTES} minutes, e.g. delay 15.`);
  const backBy = addMinutes(new Date(visit.progress.expectedReturn), minutes).toISOString();
  if (notStarted(visit)) {
    const startBy = addMinutes(new Date(Math.max(expectedStart(visit).getTime(), now.getTime())), minutes).toISOString();
    const delayed: Visit = { ...visit, progress: { ...visit.progress, startBy, expectedReturn: backBy, start: undefined } };
    return ok({
      visit: delayed,
      effects: [
        { type: "answer", answer: { kind: "start_delayed", startBy, backBy }, to: staffId },
        { type: "delay_notice", minutes, expectedReturn: backBy },
      ],
      action: "start_delayed",
    });
  }
  if (!staffAway(visit) || cancelledWhileAway(visit)) return notNow(visit, "delay");
  const checkedIn = withCheckIn(visit, staffId, now, "delayed");
  const nextCheckInDue = addMinutes(checkInDue(checkedIn.visit) ?? now, minutes).toISOString();
  const updated: Visit = {
    ...checkedIn.visit,
    progress: { ...checkedIn.visit.progress, nextCheckInDue, expectedReturn: backBy },
  };
  return ok({
    visit: updated,
    effects: [
      ...checkedIn.effects,
      { type: "answer", answer: { kind: "delayed", nextDue: nextCheckInDue, backBy }, to: staffId },
      { type: "delay_notice", minutes, expectedReturn: backBy },
    ],
    action: "delayed",
  });
}

/**
 * The code word: answered exactly as "ok" would be, with the same state change, so nothing on the
 * pair's phones shows it; the alarm goes to the alerts channel and the code-word roles. A ladder
 * running gives way to the alarm without a "stand down".
 */
function codeWord(visit: Visit, staffId: string, now: Date, reach: Reach): Result<ReplyOutcome> {
  const asOk = applyReply(visit, { type: "ok" }, staffId, now, reach);
  const looksLikeOk =
    asOk.ok && asOk.value
      ? { visit: asOk.value.visit, effects: asOk.value.effects.filter((e) => e.type !== "ladder_stood_down") }
      : {
          visit,
          effects: [
            {
              type: "answer" as const,
              answer: {
                kind: "checked_in" as const,
                at: now.toISOString(),
                nextDue: addMinutes(now, visit.policy.checkIns.intervalMinutes).toISOString(),
              },
              to: staffId,
            },
          ],
        };
  const withLadder: Visit = { ...looksLikeOk.visit, progress: { ...looksLikeOk.visit.progress, ladder: visit.progress.ladder } };
  const raised = raiseAlarm(withLadder, "code_word", staffId, now, reach);
  return ok({ visit: raised.visit, effects: [...looksLikeOk.effects, ...raised.effects], action: "code_word" });
}
