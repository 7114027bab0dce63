import { describe, expect, it } from "vitest";
import { nextStep } from "../../src/domain/safety/safety-engine.js";
import type { Reach, SafetyEffect } from "../../src/domain/safety-effects.js";
import type { LadderState, Visit } from "../../src/domain/visit.js";
import {
  buildRequest,
  buildVisit,
  type EscalationEffect,
  escalations,
  loadPreset,
  minutesAfter,
  reachAll,
  replyTo,
  runEngine,
  T0,
} from "../policies/builders.js";

/**
 * The safety engine, scenario by scenario, for every preset in policies/: pure domain, fixed
 * clock (T0 = Tuesday 24 Nov 2026, 10:00 London). Times are minutes after T0, when the pair left.
 */

interface Rung {
  id: string;
  /** Minutes after T0 (leaving school) at which the step fires. */
  at: number;
  targets: string[];
}

interface PresetRow {
  file: string;
  /** The whole ladder after a missed check-in: interval + grace, then each step's afterMinutes. */
  ladder: Rung[];
  /** The same ladder when nobody holds the `office` role: that step is skipped, not waited out. */
  ladderWithoutOffice: Rung[];
  doorstepWait: number;
  /** After "parents late": longer where the policy allows it, the same where it is null. */
  parentsLateWait: number;
  returnTolerance: number;
  acknowledgePause: number;
}

const defaultLadder: Rung[] = [
  { id: "reprompt_pair", at: 25, targets: ["pair"] },
  { id: "office_calls", at: 30, targets: ["office"] },
  { id: "leaders_told", at: 40, targets: ["headteacher", "dsl"] },
  { id: "emergency", at: 50, targets: ["alerts", "headteacher", "dsl"] },
];
const defaultWithoutOffice: Rung[] = [
  { id: "reprompt_pair", at: 25, targets: ["pair"] },
  { id: "leaders_told", at: 35, targets: ["headteacher", "dsl"] },
  { id: "emergency", at: 45, targets: ["alerts", "headteacher", "dsl"] },
];

const presets: PresetRow[] = [
  {
    file: "default",
    ladder: defaultLadder,
    ladderWithoutOffice: defaultWithoutOffice,
    doorstepWait: 20,
    parentsLateWait: 30,
    returnTolerance: 15,
    acknowledgePause: 10,
  },
  {
    file: "st-peters",
    ladder: defaultLadder,
    ladderWithoutOffice: defaultWithoutOffice,
    doorstepWait: 20,
    parentsLateWait: 30,
    returnTolerance: 15,
    acknowledgePause: 10,
  },
  {
    file: "ordsall-primary",
    ladder: [
      { id: "reprompt_pair", at: 25, targets: ["pair"] },
      { id: "office_calls", at: 30, targets: ["office"] },
      { id: "headteacher_decides", at: 35, targets: ["headteacher"] },
      { id: "police", at: 45, targets: ["alerts", "headteacher", "dsl"] },
    ],
    ladderWithoutOffice: [
      { id: "reprompt_pair", at: 25, targets: ["pair"] },
      { id: "headteacher_decides", at: 30, targets: ["headteacher"] },
      { id: "police", at: 40, targets: ["alerts", "headteacher", "dsl"] },
    ],
    doorstepWait: 20,
    parentsLateWait: 20,
    returnTolerance: 15,
    acknowledgePause: 10,
  },
  {
    file: "heather-avenue-infant",
    ladder: [
      { id: "reprompt_pair", at: 25, targets: ["pair"] },
      { id: "office_calls", at: 30, targets: ["office"] },
      { id: "police", at: 40, targets: ["alerts", "office", "headteacher", "dsl"] },
    ],
    ladderWithoutOffice: [
      { id: "reprompt_pair", at: 25, targets: ["pair"] },
      // The police step still has people to tell, just not the office.
      { id: "police", at: 35, targets: ["alerts", "headteacher", "dsl"] },
    ],
    doorstepWait: 20,
    parentsLateWait: 30,
    returnTolerance: 0,
    acknowledgePause: 10,
  },
  {
    file: "morecambe-road",
    ladder: [
      { id: "reprompt_pair", at: 25, targets: ["pair"] },
      { id: "office_calls", at: 30, targets: ["office"] },
      { id: "leadership_told", at: 40, targets: ["leadership_team"] },
      { id: "emergency", at: 50, targets: ["alerts", "leadership_team", "dsl"] },
    ],
    ladderWithoutOffice: [
      { id: "reprompt_pair", at: 25, targets: ["pair"] },
      { id: "leadership_told", at: 35, targets: ["leadership_team"] },
      { id: "emergency", at: 45, targets: ["alerts", "leadership_team", "dsl"] },
    ],
    doorstepWait: 20,
    parentsLateWait: 30,
    returnTolerance: 15,
    acknowledgePause: 10,
  },
  {
    file: "lincolnshire",
    ladder: defaultLadder,
    ladderWithoutOffice: defaultWithoutOffice,
    doorstepWait: 20,
    parentsLateWait: 30,
    returnTolerance: 15,
    acknowledgePause: 10,
  },
];

const LEAD = "t.jones";
const SECOND = "a.khan";
const iso = (minutes: number, from: Date = T0) => minutesAfter(minutes, from).toISOString();
const justBefore = (at: Date) => new Date(at.getTime() - 1);
const noOffice: Reach = (target) => target !== "office";

function rungs(timeline: { at: string; effect: EscalationEffect }[]): { id: string; at: string; targets: string[] }[] {
  return timeline.map(({ at, effect }) => ({ id: effect.step.id, at, targets: effect.targets }));
}

function expected(ladder: Rung[], from: Date = T0): { id: string; at: string; targets: string[] }[] {
  return ladder.map((rung) => ({ id: rung.id, at: iso(rung.at, from), targets: rung.targets }));
}

function escalationEffects(effects: readonly SafetyEffect[]): EscalationEffect[] {
  return effects.filter((effect): effect is EscalationEffect => effect.type === "escalation_step");
}

describe.each(presets)("preset $file: the escalation ladder", (row) => {
  const policy = loadPreset(row.file);
  /** The pair left school at T0 and have not checked in since. */
  const leftAtT0 = (): Visit => replyTo(buildVisit(policy), { type: "leaving" }, LEAD, T0).visit;

  it("reads the preset's own values (so the table below is about this file)", () => {
    expect(policy.checkIns.intervalMinutes + policy.checkIns.graceMinutes).toBe(row.ladder[0]?.at);
    expect(policy.escalation.steps.map((step) => step.id)).toEqual(row.ladder.map((rung) => rung.id));
    expect(policy.doorstep.waitMinutes).toBe(row.doorstepWait);
    expect(policy.returnToleranceMinutes).toBe(row.returnTolerance);
    expect(policy.escalation.acknowledgePauseMinutes).toBe(row.acknowledgePause);
  });

  it("a missed check-in walks the whole ladder: interval + grace, then each step's afterMinutes", () => {
    const { visit, timeline } = runEngine(leftAtT0(), T0, minutesAfter(240));
    expect(rungs(escalations(timeline))).toEqual(expected(row.ladder));
    for (const { effect } of escalations(timeline)) expect(effect.reason).toBe("missed_check_in");
    // Only the last step carries the emergency pack.
    expect(escalations(timeline).map(({ effect }) => effect.step.emergencyPack)).toEqual(
      row.ladder.map((_, index) => index === row.ladder.length - 1),
    );
    // The prompt came first (2 minutes before the check-in was due), once.
    expect(timeline.filter((entry) => entry.effect.type === "prompt_check_in")).toEqual([
      { at: iso(18), effect: { type: "prompt_check_in", due: iso(20), responsibleContact: false } },
    ]);
    expect(visit.progress.ladder?.stepIndex).toBe(row.ladder.length - 1);
    expect(visit.progress.ladder?.reached.sort()).toEqual([...new Set(row.ladder.flatMap((rung) => rung.targets))].sort());
  });

  it("fires each step exactly on time, never a millisecond early", () => {
    let visit = leftAtT0();
    let now = T0;
    for (const rung of row.ladder) {
      const due = minutesAfter(rung.at);
      const before = nextStep(visit, justBefore(due), reachAll);
      expect(escalationEffects(before.effects)).toEqual([]);
      expect(before.nextAt?.toISOString()).toBe(due.toISOString());
      const at = nextStep(before.visit, due, reachAll);
      expect(escalationEffects(at.effects).map((effect) => effect.step.id)).toEqual([rung.id]);
      visit = at.visit;
      now = due;
    }
    // The ladder has ended in its emergency pack, which raised the alarm: it goes out again every
    // repeatMinutes until someone who is not on the visit takes it. A ladder never just stops.
    expect(visit.progress.alarm).toMatchObject({ kind: "ladder", lastAlertAt: now.toISOString(), acknowledged: null });
    const repeatAt = minutesAfter(policy.escalation.repeatMinutes, now);
    expect(nextStep(visit, minutesAfter(1, now), reachAll).nextAt?.toISOString()).toBe(repeatAt.toISOString());
    const repeated = nextStep(visit, repeatAt, reachAll);
    expect(repeated.effects).toEqual([
      expect.objectContaining({ type: "alarm_alert", kind: "ladder", repeat: 1, step: policy.escalation.steps.at(-1) }),
    ]);
  });

  it("a step whose role nobody holds is skipped, not waited out", () => {
    const { timeline } = runEngine(leftAtT0(), T0, minutesAfter(240), noOffice);
    expect(rungs(escalations(timeline))).toEqual(expected(row.ladderWithoutOffice));
    for (const { effect } of escalations(timeline)) expect(effect.targets).not.toContain("office");
  });

  it("ok stops the ladder; the stand-down lists exactly the places reached so far", () => {
    // Run until just after the second step (the office), then the second member of staff replies ok.
    const second = row.ladder[1] as Rung;
    const { visit } = runEngine(leftAtT0(), T0, minutesAfter(second.at));
    expect(visit.progress.ladder?.stepIndex).toBe(1);
    const ok = replyTo(visit, { type: "ok" }, SECOND, minutesAfter(second.at + 1));
    expect(ok.effects).toEqual([
      {
        type: "ladder_stood_down",
        by: SECOND,
        at: iso(second.at + 1),
        reached: ["pair", "office"],
        episodes: [visit.progress.ladder?.startedAt],
      },
      { type: "answer", to: SECOND, answer: { kind: "checked_in", at: iso(second.at + 1), nextDue: iso(second.at + 21) } },
    ]);
    expect(ok.visit.progress.ladder).toBeNull();
    // Nothing else escalates: the next thing is the prompt for the next check-in (10:31 + 20 - 2).
    const after = nextStep(ok.visit, minutesAfter(second.at + 1), reachAll);
    expect(after.effects).toEqual([]);
    expect(after.nextAt?.toISOString()).toBe(iso(second.at + 1 + 18));
    const later = runEngine(ok.visit, minutesAfter(second.at + 1), minutesAfter(second.at + 1 + 24));
    expect(escalations(later.timeline)).toEqual([]);
  });

  it("ok after the whole ladder stands down every place it reached, once each", () => {
    const { visit } = runEngine(leftAtT0(), T0, minutesAfter(240));
    const ok = replyTo(visit, { type: "ok" }, LEAD, minutesAfter(241));
    const standDowns = ok.effects.filter((effect) => effect.type === "ladder_stood_down");
    expect(standDowns).toHaveLength(1);
    const reached = (standDowns[0] as Extract<SafetyEffect, { type: "ladder_stood_down" }>).reached;
    expect([...reached].sort()).toEqual([...new Set(row.ladder.flatMap((rung) => rung.targets))].sort());
    expect(new Set(reached).size).toBe(reached.length);
  });

  it("the code word: answered exactly as an ordinary check-in, and the alarm at once (no grace)", () => {
    const visit = leftAtT0();
    const at = minutesAfter(12);
    const ordinary = replyTo(visit, { type: "ok" }, SECOND, at);
    const raised = replyTo(visit, { type: "code_word" }, SECOND, at);
    const [answer, alarm] = raised.effects;
    expect(answer).toEqual(ordinary.effects[0]);
    expect(answer).toEqual({
      type: "answer",
      to: SECOND,
      answer: {
        kind: "checked_in",
        at: at.toISOString(),
        nextDue: minutesAfter(12 + policy.checkIns.intervalMinutes).toISOString(),
      },
    });
    expect(alarm).toMatchObject({ type: "alarm_alert", kind: "code_word", repeat: 0, by: SECOND });
    expect(raised.visit.status).toBe(ordinary.visit.status);
    expect(raised.visit.progress.alarm).toMatchObject({ kind: "code_word", raisedAt: at.toISOString(), acknowledged: null });
    // An "ok" typed afterwards (perhaps under duress) looks the same and never stands the alarm down.
    const duress = replyTo(raised.visit, { type: "ok" }, LEAD, minutesAfter(13));
    expect(duress.visit.progress.alarm?.kind).toBe("code_word");
    expect(duress.effects.map((effect) => effect.type)).toEqual(["answer"]);
  });

  it(`waits ${row.doorstepWait} minutes at the door, then cancels`, () => {
    const atDoor = replyTo(leftAtT0(), { type: "arrived" }, LEAD, minutesAfter(10)).visit;
    const end = minutesAfter(10 + row.doorstepWait);
    expect(nextStep(atDoor, justBefore(end), reachAll).visit.status).toBe("at_address");
    const done = nextStep(atDoor, end, reachAll);
    expect(done.visit.status).toBe("cancelled");
    expect(done.effects.map((effect) => effect.type)).toContain("doorstep_timeout");
  });

  it(`after "parents late" waits ${row.parentsLateWait} minutes`, () => {
    const atDoor = replyTo(leftAtT0(), { type: "arrived" }, LEAD, minutesAfter(10)).visit;
    const late = replyTo(atDoor, { type: "parents_late" }, SECOND, minutesAfter(12));
    // A check-in at 10:25 keeps the ladder out of it.
    const checked = replyTo(late.visit, { type: "ok" }, LEAD, minutesAfter(25)).visit;
    const end = minutesAfter(10 + row.parentsLateWait);
    expect(nextStep(checked, justBefore(end), reachAll).visit.status).toBe("at_address");
    const done = nextStep(checked, end, reachAll);
    expect(done.visit.status).toBe("cancelled");
    expect(done.visit.progress.cancelReason).toBe("parents not present");
    const reply = late.effects.at(-1);
    // The wait counts from arriving at 10:10.
    expect(reply).toEqual({
      type: "answer",
      to: SECOND,
      answer: {
        kind: "parents_late",
        waitUntil: iso(10 + row.parentsLateWait),
        extended: row.parentsLateWait > row.doorstepWait,
      },
    });
  });

  it("overdue return: expectedReturn + returnToleranceMinutes starts the ladder with reason overdue_return", () => {
    // Left the address at 10:50 (a check-in), due back at 10:55; next check-in not due until 11:10.
    const visit = buildVisit(policy, {
      status: "left_address",
      request: buildRequest(policy, { plannedStart: iso(0), durationMinutes: 45, expectedReturn: iso(55) }),
      progress: {
        leftSchoolAt: iso(0),
        leftAddressAt: iso(50),
        lastCheckIn: { at: iso(50), by: LEAD, place: "left the address" },
        promptedFor: iso(70),
      },
    });
    const overdueAt = minutesAfter(55 + row.returnTolerance);
    const before = nextStep(visit, justBefore(overdueAt), reachAll);
    expect(before.effects).toEqual([]);
    expect(before.nextAt?.toISOString()).toBe(overdueAt.toISOString());
    const { timeline } = runEngine(visit, minutesAfter(50), minutesAfter(240));
    const steps = escalations(timeline);
    const offset = 55 + row.returnTolerance - (row.ladder[0] as Rung).at;
    expect(rungs(steps)).toEqual(row.ladder.map((rung) => ({ id: rung.id, at: iso(rung.at + offset), targets: rung.targets })));
    for (const { effect } of steps) expect(effect.reason).toBe("overdue_return");
  });

  it("delay 15 moves the next check-in and the expected return", () => {
    const visit = leftAtT0();
    const delayed = replyTo(visit, { type: "delay", minutes: 15 }, LEAD, minutesAfter(10));
    // Counted from the delay (a check-in in itself): 10:10 + 20 + 15 = 10:45; back by 12:00 + 15.
    expect(delayed.visit.progress.nextCheckInDue).toBe(iso(45));
    expect(delayed.visit.progress.expectedReturn).toBe(iso(135));
    expect(delayed.effects).toContainEqual({ type: "delay_notice", minutes: 15, expectedReturn: iso(135) });
    expect(delayed.effects).toContainEqual({
      type: "answer",
      to: LEAD,
      answer: { kind: "delayed", nextDue: iso(45), backBy: iso(135) },
    });
    const { timeline } = runEngine(delayed.visit, minutesAfter(10), minutesAfter(240));
    expect(timeline.find((entry) => entry.effect.type === "prompt_check_in")).toEqual({
      at: iso(43),
      effect: { type: "prompt_check_in", due: iso(45), responsibleContact: false },
    });
    expect(escalations(timeline)[0]?.at).toBe(iso(45 + policy.checkIns.graceMinutes));
    // No escalation in the old window (10:25): the delay really moved it.
    expect(escalations(timeline).every(({ at }) => at >= iso(50))).toBe(true);
  });

  it("an acknowledgement pauses: nothing fires before X, the next step fires at X", () => {
    const office = row.ladder[1] as Rung;
    const next = row.ladder[2] as Rung;
    const { visit } = runEngine(leftAtT0(), T0, minutesAfter(office.at));
    const ladder = visit.progress.ladder as LadderState;
    const X = minutesAfter(office.at + 1 + row.acknowledgePause);
    expect(X.getTime()).toBeGreaterThan(minutesAfter(next.at).getTime());
    const paused: Visit = {
      ...visit,
      progress: {
        ...visit.progress,
        ladder: { ...ladder, acknowledged: { by: "Office", at: iso(office.at + 1), until: X.toISOString() } },
      },
    };
    // The step that was due at its own time waits.
    const atNatural = nextStep(paused, minutesAfter(next.at), reachAll);
    expect(atNatural.effects).toEqual([]);
    const beforeX = nextStep(paused, justBefore(X), reachAll);
    expect(beforeX.effects).toEqual([]);
    expect(beforeX.nextAt?.toISOString()).toBe(X.toISOString());
    const atX = nextStep(paused, X, reachAll);
    expect(escalationEffects(atX.effects).map((effect) => effect.step.id)).toEqual([next.id]);
    expect(atX.visit.progress.ladder?.acknowledged).toBeNull();
    expect(atX.visit.progress.ladder?.lastStepAt).toBe(X.toISOString());
  });

  it("a late tick catches up in order: one call, far in the future, gives every effect in sequence", () => {
    const late = nextStep(leftAtT0(), minutesAfter(300), reachAll);
    // The alarm the emergency pack raised goes out once more, now: not once for every repeat missed.
    expect(late.effects.map((effect) => (effect.type === "escalation_step" ? effect.step.id : effect.type))).toEqual([
      "prompt_check_in",
      ...row.ladder.map((rung) => rung.id),
      "alarm_alert",
    ]);
    expect(escalationEffects(late.effects).map((effect) => effect.stepIndex)).toEqual(row.ladder.map((_, index) => index));
    // Each step was stamped with the time it was due, not the time of the late tick.
    expect(late.visit.progress.ladder?.lastStepAt).toBe(iso((row.ladder[row.ladder.length - 1] as Rung).at));
    expect(late.visit.progress.alarm?.lastAlertAt).toBe(iso(300));
    expect(late.nextAt?.toISOString()).toBe(iso(300 + policy.escalation.repeatMinutes));
  });

  describe("out of hours, with a responsible contact the bot can message", () => {
    const start = new Date("2026-11-24T16:30:00Z");
    const request = buildRequest(policy, {
      plannedStart: start.toISOString(),
      expectedReturn: iso(75, start),
      outOfHoursJustification: "Parent works until 16:00",
      responsibleContact: { name: "Karl Hopkinson", mobile: "07700 900321", staffId: "k.hopkinson" },
    });
    const leaving = () => replyTo(buildVisit(policy, { request }), { type: "leaving" }, LEAD, start).visit;

    it("the check-in prompt is flagged for the responsible contact", () => {
      const prompted = nextStep(leaving(), minutesAfter(18, start), reachAll);
      expect(prompted.effects).toEqual([{ type: "prompt_check_in", due: iso(20, start), responsibleContact: true }]);
    });

    it("the office's place on the ladder goes to the responsible contact", () => {
      const { timeline } = runEngine(leaving(), start, minutesAfter(240, start));
      const steps = escalations(timeline);
      const withContact = row.ladder.map((rung) => ({
        ...rung,
        targets: rung.targets.map((target) => (target === "office" ? "responsible_contact" : target)),
      }));
      expect(rungs(steps)).toEqual(expected(withContact, start));
      for (const { effect } of steps) expect(effect.targets).not.toContain("office");
    });

    it("even when nobody holds the office role, the contact is told instead", () => {
      const { timeline } = runEngine(leaving(), start, minutesAfter(240, start), noOffice);
      const office = escalations(timeline).find(({ effect }) => effect.step.id === "office_calls");
      expect(office?.at).toBe(iso(30, start));
      expect(office?.effect.targets).toEqual(["responsible_contact"]);
    });
  });
});

describe("Ordsall: a ladder that crosses the start or end of the school day, with nobody in the office role", () => {
  const policy = loadPreset("ordsall-primary");
  const contact = { name: "Karl Hopkinson", mobile: "07700 900321", staffId: "k.hopkinson" };
  const leavingAt = (start: Date) => {
    const request = buildRequest(policy, {
      plannedStart: start.toISOString(),
      expectedReturn: iso(120, start),
      outOfHoursJustification: "Parent works shifts",
      responsibleContact: contact,
    });
    return replyTo(buildVisit(policy, { request }), { type: "leaving" }, LEAD, start).visit;
  };

  // Whether a step has anyone to tell must be decided at the step's own time, as it is carried out:
  // across 16:00 the office step goes to the responsible contact (not skipped as "office, in hours,
  // nobody"), and across 08:30 it is skipped (not fired at an empty office role).
  it("reprompt at 15:55 (in hours), office step at 16:00 (out of hours): the responsible contact is told", () => {
    const start = new Date("2026-11-24T15:30:00Z");
    const { timeline } = runEngine(leavingAt(start), start, minutesAfter(120, start), noOffice);
    expect(rungs(escalations(timeline)).slice(0, 2)).toEqual([
      { id: "reprompt_pair", at: iso(25, start), targets: ["pair"] },
      { id: "office_calls", at: iso(30, start), targets: ["responsible_contact"] },
    ]);
  });

  it("reprompt at 08:25 (out of hours), office step at 08:30 (school hours): no step tells nobody", () => {
    const start = new Date("2026-11-24T08:00:00Z");
    const { timeline } = runEngine(leavingAt(start), start, minutesAfter(120, start), noOffice);
    for (const { effect } of escalations(timeline)) expect(effect.targets).not.toEqual([]);
    expect(rungs(escalations(timeline))).toEqual([
      { id: "reprompt_pair", at: iso(25, start), targets: ["pair"] },
      { id: "headteacher_decides", at: iso(30, start), targets: ["headteacher"] },
      { id: "police", at: iso(40, start), targets: ["alerts", "headteacher", "dsl"] },
    ]);
  });
});
