import { addMinutes } from "./clock.js";
import { fail, ok, type Result } from "./domain-error.js";
import type { SafetyEffect } from "./safety-effects.js";
import { checkInDue } from "./safety-engine.js";
import { formatSchoolTime } from "./school-hours.js";
import { isOnVisit, type Visit } from "./visit.js";
import { staffAway, transition, type VisitEvent } from "./visit-lifecycle.js";

/** What the visiting pair can type in the visit's thread (case-insensitive). */
export type VisitReply =
  | { type: "ok" }
  | { type: "leaving" }
  | { type: "arrived" }
  | { type: "in" }
  | { type: "no_answer" }
  | { type: "parents_late" }
  | { type: "delay"; minutes: number }
  | { type: "left"; notReturning: boolean }
  | { type: "back" }
  | { type: "help" }
  | { type: "code_word" };

export const replyWords = ["ok", "leaving", "arrived", "in", "no answer", "parents late", "delay", "left", "back", "help"];

/** Reads a thread message as a reply, or null when it is ordinary conversation. */
export function parseReply(text: string): VisitReply | null {
  const t = text
    .replace(/<@[^>]+>/g, " ")
    .trim()
    .toLowerCase()
    .replace(/[.!]+$/, "")
    .replace(/\s+/g, " ");
  if (/^(ok|okay|ok ?👍|👍|safe|all ok|all good)$/.test(t)) return { type: "ok" };
  if (t === "leaving") return { type: "leaving" };
  if (t === "arrived") return { type: "arrived" };
  if (t === "in") return { type: "in" };
  if (t === "no answer") return { type: "no_answer" };
  if (t === "parents late") return { type: "parents_late" };
  const delay = /^delay (\d{1,3})( ?(m|min|mins|minutes))?$/.exec(t);
  if (delay) return { type: "delay", minutes: Number(delay[1]) };
  if (/^left( .*)?$/.test(t)) return { type: "left", notReturning: /not (returning|coming back)/.test(t) };
  if (t === "back") return { type: "back" };
  if (t === "help") return { type: "help" };
  return null;
}

export interface ReplyOutcome {
  visit: Visit;
  effects: SafetyEffect[];
  /** The audit action, e.g. "checked_in", "arrived". */
  action: string;
}

const MAX_DELAY_MINUTES = 240;

/**
 * Applies a reply from one of the pair. A check-in of any kind stops a running ladder and says so
 * in every place the ladder reached.
 */
export function applyReply(visit: Visit, reply: VisitReply, staffId: string, now: Date): Result<ReplyOutcome> {
  if (!isOnVisit(visit, staffId))
    return fail("not-on-visit", "Only the staff on this visit can check in here.", { visitId: visit.id });
  const tz = visit.policy.school.timezone;
  const time = (at: Date) => formatSchoolTime(at, tz).replace(/^.*, /, "");
  if (visit.status === "emergency" && reply.type !== "help" && reply.type !== "code_word") {
    // After the code word every reply is answered like a check-in: an error naming the state, or
    // an "ok" standing the alarm down, could give it away or be typed under duress.
    return ok({
      visit,
      effects: [{ type: "thread_reply", text: checkedInText(now, addMinutes(now, visit.policy.checkIns.intervalMinutes), time) }],
      action: "reply_during_emergency",
    });
  }

  switch (reply.type) {
    case "help":
      return ok({ visit, effects: [{ type: "thread_reply", text: helpText(visit) }], action: "help" });
    case "code_word": {
      // Looks exactly like a check-in to anyone reading over a shoulder.
      const raised = transition(visit.status, "raise_emergency");
      const updated: Visit = {
        ...visit,
        status: raised.ok ? raised.value : visit.status,
        progress: { ...visit.progress, emergency: { raisedAt: now.toISOString(), kind: "code_word" } },
      };
      return ok({
        visit: updated,
        effects: [
          { type: "thread_reply", text: checkedInText(now, addMinutes(now, visit.policy.checkIns.intervalMinutes), time) },
          { type: "code_word_alert", by: staffId },
        ],
        action: "code_word",
      });
    }
    case "ok": {
      if (!staffAway(visit)) return notNow(visit, "check in");
      return ok(checkIn(visit, staffId, now, "checked_in", time));
    }
    case "leaving": {
      const moved = move(visit, ["leave_school"]);
      if (!moved.ok) return moved;
      const started: Visit = {
        ...moved.value,
        progress: {
          ...moved.value.progress,
          leftSchoolAt: now.toISOString(),
          lastCheckIn: { at: now.toISOString(), by: staffId, place: "leaving school" },
        },
      };
      const next = checkInDue(started) ?? now;
      const conditions = visit.decision?.conditions;
      const reminder = conditions?.policeAccompaniment ? " Condition: police accompaniment." : "";
      return ok({
        visit: started,
        effects: [
          {
            type: "thread_reply",
            text: `On your way. Check in by ${time(next)} (every ${visit.policy.checkIns.intervalMinutes} minutes): reply ok.${reminder} Type help for the words I understand.`,
          },
        ],
        action: "left_school",
      });
    }
    case "arrived":
    case "no_answer": {
      const moved = visit.status === "under_way" ? move(visit, ["arrive"]) : ok(visit);
      if (!moved.ok) return moved;
      if (moved.value.status !== "at_address") return notNow(visit, reply.type === "arrived" ? "arrive" : "wait at the door");
      const arrivedAt = moved.value.progress.arrivedAt ?? now.toISOString();
      const doorstep = moved.value.progress.doorstep ?? { startedAt: now.toISOString(), parentsLate: false };
      const updated = withCheckIn(
        { ...moved.value, progress: { ...moved.value.progress, arrivedAt, doorstep } },
        staffId,
        now,
        "at the address",
      );
      const until = doorstepEnd(updated.visit);
      return ok({
        visit: updated.visit,
        effects: [
          ...updated.effects,
          {
            type: "thread_reply",
            text: `At the address. If nobody lets you in, wait no later than ${time(until)}, then leave. Reply in once you are inside.`,
          },
        ],
        action: reply.type === "arrived" ? "arrived" : "no_answer",
      });
    }
    case "parents_late": {
      const moved = visit.status === "under_way" ? move(visit, ["arrive"]) : ok(visit);
      if (!moved.ok) return moved;
      if (moved.value.status !== "at_address") return notNow(visit, "wait for late parents");
      const allowed = visit.policy.doorstep.parentsLateWaitMinutes !== null;
      const startedAt = moved.value.progress.doorstep?.startedAt ?? now.toISOString();
      const updated: Visit = {
        ...moved.value,
        progress: {
          ...moved.value.progress,
          arrivedAt: moved.value.progress.arrivedAt ?? now.toISOString(),
          doorstep: { startedAt, parentsLate: allowed },
        },
      };
      const until = doorstepEnd(updated);
      const text = allowed
        ? `Parents are running late: wait outside, do not go in until they arrive, and leave at ${time(until)} if they have not come.`
        : `The school's policy allows no longer wait: leave at ${time(until)} if parents have not come.`;
      return ok({ visit: updated, effects: [{ type: "thread_reply", text }], action: "parents_late" });
    }
    case "in": {
      const events: VisitEvent[] = visit.status === "under_way" ? ["arrive", "enter_home"] : ["enter_home"];
      const moved = move(visit, events);
      if (!moved.ok) return moved;
      const entered: Visit = {
        ...moved.value,
        progress: {
          ...moved.value.progress,
          arrivedAt: moved.value.progress.arrivedAt ?? now.toISOString(),
          enteredAt: now.toISOString(),
          doorstep: undefined,
        },
      };
      const updated = withCheckIn(entered, staffId, now, "inside the home");
      const next = checkInDue(updated.visit) ?? now;
      return ok({
        visit: updated.visit,
        effects: [...updated.effects, { type: "thread_reply", text: `Inside. Next check-in by ${time(next)}.` }],
        action: "entered_home",
      });
    }
    case "delay": {
      if (!staffAway(visit)) return notNow(visit, "delay");
      if (reply.minutes < 1 || reply.minutes > MAX_DELAY_MINUTES)
        return fail("invalid-request", `Give a delay between 1 and ${MAX_DELAY_MINUTES} minutes, e.g. delay 15.`);
      const checkedIn = withCheckIn(visit, staffId, now, "delayed");
      const due = checkInDue(checkedIn.visit) ?? now;
      const nextCheckInDue = addMinutes(due, reply.minutes);
      const expectedReturn = addMinutes(new Date(visit.progress.expectedReturn), reply.minutes);
      const updated: Visit = {
        ...checkedIn.visit,
        progress: {
          ...checkedIn.visit.progress,
          nextCheckInDue: nextCheckInDue.toISOString(),
          expectedReturn: expectedReturn.toISOString(),
        },
      };
      return ok({
        visit: updated,
        effects: [
          ...checkedIn.effects,
          {
            type: "thread_reply",
            text: `Noted: next check-in by ${time(nextCheckInDue)}, back by ${time(expectedReturn)}. The office has been told.`,
          },
          { type: "delay_notice", minutes: reply.minutes, expectedReturn: expectedReturn.toISOString() },
        ],
        action: "delayed",
      });
    }
    case "left": {
      const events: VisitEvent[] = reply.notReturning ? ["leave_address", "return"] : ["leave_address"];
      if ((visit.status === "left_address" || visit.status === "cancelled") && reply.notReturning) events.shift();
      const moved = move(visit, events);
      if (!moved.ok) return moved;
      const left: Visit = {
        ...moved.value,
        progress: {
          ...moved.value.progress,
          leftAddressAt: now.toISOString(),
          doorstep: undefined,
          ...(reply.notReturning ? { returnedAt: now.toISOString(), notReturning: true } : {}),
        },
      };
      const updated = withCheckIn(left, staffId, now, "left the address");
      if (reply.notReturning) {
        return ok({
          visit: { ...updated.visit, progress: { ...updated.visit.progress, ladder: null } },
          effects: [
            ...updated.effects,
            {
              type: "thread_reply",
              text: "Visit ended: you are not returning to school. Thank you; please complete the Home Visit Form.",
            },
            { type: "request_record" },
          ],
          action: "left_not_returning",
        });
      }
      const next = checkInDue(updated.visit) ?? now;
      return ok({
        visit: updated.visit,
        effects: [
          ...updated.effects,
          { type: "thread_reply", text: `Left the address. Reply back when you are at school; next check-in by ${time(next)}.` },
        ],
        action: "left_address",
      });
    }
    case "back": {
      const events: VisitEvent[] =
        visit.status === "at_address" || visit.status === "in_home" ? ["leave_address", "return"] : ["return"];
      const moved = move(visit, events);
      if (!moved.ok) return moved;
      const stoodDown = standDownLadder(moved.value, staffId);
      const returned: Visit = {
        ...stoodDown.visit,
        progress: {
          ...stoodDown.visit.progress,
          leftAddressAt: visit.progress.leftAddressAt ?? now.toISOString(),
          returnedAt: now.toISOString(),
          doorstep: undefined,
        },
      };
      return ok({
        visit: returned,
        effects: [
          ...stoodDown.effects,
          { type: "thread_reply", text: "Welcome back. Please complete the Home Visit Form now, while it is fresh." },
          { type: "request_record" },
        ],
        action: "returned",
      });
    }
  }
}

function checkIn(visit: Visit, staffId: string, now: Date, action: string, time: (d: Date) => string): ReplyOutcome {
  const updated = withCheckIn(visit, staffId, now, describePlace(visit));
  const next = checkInDue(updated.visit) ?? now;
  return {
    visit: updated.visit,
    effects: [...updated.effects, { type: "thread_reply", text: checkedInText(now, next, time) }],
    action,
  };
}

function checkedInText(now: Date, next: Date, time: (d: Date) => string): string {
  return `Thanks, checked in at ${time(now)}. Next check-in by ${time(next)}.`;
}

/** Records a check-in; if the ladder was running it stops, and everyone it reached is told. */
function withCheckIn(visit: Visit, staffId: string, now: Date, place: string): { visit: Visit; effects: SafetyEffect[] } {
  const stood = standDownLadder(visit, staffId);
  return {
    visit: {
      ...stood.visit,
      progress: {
        ...stood.visit.progress,
        lastCheckIn: { at: now.toISOString(), by: staffId, place },
        nextCheckInDue: undefined,
        promptedFor: undefined,
      },
    },
    effects: stood.effects,
  };
}

function standDownLadder(visit: Visit, staffId: string): { visit: Visit; effects: SafetyEffect[] } {
  const ladder = visit.progress.ladder;
  if (!ladder) return { visit, effects: [] };
  return {
    visit: { ...visit, progress: { ...visit.progress, ladder: null } },
    effects: ladder.reached.length > 0 ? [{ type: "ladder_stood_down", by: staffId, reached: ladder.reached }] : [],
  };
}

function doorstepEnd(visit: Visit): Date {
  const doorstep = visit.progress.doorstep;
  const policy = visit.policy.doorstep;
  const wait =
    doorstep?.parentsLate && policy.parentsLateWaitMinutes !== null ? policy.parentsLateWaitMinutes : policy.waitMinutes;
  return addMinutes(new Date(doorstep?.startedAt ?? Date.now()), wait);
}

function describePlace(visit: Visit): string {
  return (
    (
      {
        under_way: "travelling",
        at_address: "at the address",
        in_home: "inside the home",
        left_address: "travelling back",
      } as Record<string, string>
    )[visit.status] ?? visit.status
  );
}

function move(visit: Visit, events: VisitEvent[]): Result<Visit> {
  let status = visit.status;
  for (const event of events) {
    const next = transition(status, event);
    if (!next.ok) return next;
    status = next.value;
  }
  return ok({ ...visit, status });
}

function notNow<T>(visit: Visit, what: string): Result<T> {
  return fail("invalid-transition", `You can't ${what} now: this visit is ${visit.status.replace(/_/g, " ")}.`, {
    status: visit.status,
  });
}

export function helpText(visit: Visit): string {
  const minutes = visit.policy.checkIns.intervalMinutes;
  return [
    "Reply in this thread:",
    "• leaving: you are setting off",
    "• arrived: you are at the door (no answer: nobody is answering)",
    "• parents late: parents said they are on their way",
    "• in: you are inside the home",
    `• ok: check in (every ${minutes} minutes)`,
    "• delay 15: you need 15 more minutes",
    "• left: you have left the address (left not returning: going straight home)",
    "• back: you are back at school",
    "• your code word: raises a silent alarm; the reply looks like a normal check-in",
  ].join("\n");
}
