import { describe, expect, it } from "vitest";
import { answerText } from "../../src/app/messages/reply-answers.js";
import { startQuestion } from "../../src/app/messages/start-messages.js";
import type { Policy } from "../../src/domain/policy.js";
import { nextStep } from "../../src/domain/safety/safety-engine.js";
import type { SafetyEffect } from "../../src/domain/safety-effects.js";
import { classifyHours, formatSchoolClock } from "../../src/domain/school-hours.js";
import type { Visit } from "../../src/domain/visit.js";
import { buildRequest, buildVisit, loadPreset, reachAll, replyTo } from "../policies/builders.js";

/**
 * School time is wall-clock time in London, which is GMT in winter and BST (GMT+1) in summer. The
 * engine counts in instants; people read wall-clock times. Both must hold in summer time and across
 * the two switch days of 2026: Sunday 29 March (01:00 GMT becomes 02:00 BST) and Sunday 25 October
 * (02:00 BST becomes 01:00 GMT).
 */
const policy = loadPreset("default");
const at = (iso: string) => new Date(iso);
const answers = (effects: readonly SafetyEffect[]) => effects.flatMap((e) => (e.type === "answer" ? [e.answer] : []));

/** A policy that allows night visits, so a visit can straddle the 1 a.m. switch. */
const nightPolicy: Policy = {
  ...policy,
  hours: { ...policy.hours, evening: "allow", outOfHours: "allow", responsibleContactOutOfHours: false },
};

function visitLeaving(leave: Date, p: Policy = policy): Visit {
  const request = buildRequest(p, {
    plannedStart: leave.toISOString(),
    durationMinutes: 45,
    expectedReturn: new Date(leave.getTime() + 90 * 60_000).toISOString(),
  });
  return replyTo(buildVisit(p, { request }), { type: "leaving" }, "t.jones", leave).visit;
}

describe("the school day in British Summer Time", () => {
  it.each([
    ["2026-06-10T07:29:00Z", "out_of_hours"], // 08:29 BST
    ["2026-06-10T07:30:00Z", "school_hours"], // 08:30 BST
    ["2026-06-10T14:59:00Z", "school_hours"], // 15:59 BST
    ["2026-06-10T15:00:00Z", "out_of_hours"], // 16:00 BST
    ["2026-06-10T17:00:00Z", "evening"], // 18:00 BST
    ["2026-06-13T09:00:00Z", "out_of_hours"], // Saturday
  ])("%s is %s", (instant, expected) => {
    expect(classifyHours(at(instant), policy)).toBe(expected);
  });

  it("the Mondays after each switch start at 08:30 wall-clock time", () => {
    expect(classifyHours(at("2026-03-30T07:30:00Z"), policy)).toBe("school_hours"); // 08:30 BST
    expect(classifyHours(at("2026-03-30T07:29:00Z"), policy)).toBe("out_of_hours");
    expect(classifyHours(at("2026-10-26T08:30:00Z"), policy)).toBe("school_hours"); // 08:30 GMT
    expect(classifyHours(at("2026-10-26T07:45:00Z"), policy)).toBe("out_of_hours"); // 07:45 GMT
  });

  it("a summer visit's check-ins, prompts and start question are said in BST", () => {
    const leave = at("2026-06-10T09:30:00Z"); // 10:30 BST
    const visit = visitLeaving(leave);
    const answer = answers(replyTo(visit, { type: "ok" }, "a.khan", at("2026-06-10T09:40:00Z")).effects)[0];
    expect(answer && answerText(visit, answer)).toBe("Thanks, checked in at 10:40. Next check-in by 11:00.");
    const prompt = nextStep(visit, at("2026-06-10T09:48:00Z"), reachAll);
    expect(prompt.effects).toEqual([{ type: "prompt_check_in", due: "2026-06-10T09:50:00.000Z", responsibleContact: false }]);
    expect(formatSchoolClock(at("2026-06-10T09:50:00Z"), "Europe/London")).toBe("10:50");

    // Not started: asked at the planned 10:30 BST plus 15 minutes, in BST words.
    const planned = buildVisit(policy, { request: buildRequest(policy, { plannedStart: leave.toISOString() }) });
    const asked = nextStep(planned, at("2026-06-10T09:45:00Z"), reachAll);
    expect(asked.effects.map((e) => e.type)).toContain("start_question");
    expect(startQuestion(planned, leave.toISOString()).blocks[0]).toMatchObject({
      text: expect.stringContaining("due to set off at 10:30"),
    });
  });
});

describe("across the switch days", () => {
  it("29 March: leaving at 00:50 GMT, the next check-in is due 20 minutes later, at 02:10 BST", () => {
    const leave = at("2026-03-29T00:50:00Z");
    const visit = visitLeaving(leave, nightPolicy);
    const setOff = answers(
      replyTo(buildVisit(nightPolicy, { request: visit.request }), { type: "leaving" }, "t.jones", leave).effects,
    )[0];
    expect(setOff && answerText(visit, setOff)).toMatch(/^On your way\. Check in by 02:10 \(every 20 minutes\)/);
    // The engine counts twenty real minutes, not an hour and twenty on the clock face.
    const missed = nextStep(visit, at("2026-03-29T01:15:00Z"), reachAll);
    expect(missed.visit.progress.ladder?.startedAt).toBe("2026-03-29T01:15:00.000Z");
    expect(nextStep(visit, at("2026-03-29T01:14:59Z"), reachAll).visit.progress.ladder ?? null).toBeNull();
  });

  it("25 October: leaving at 01:50 BST, the next check-in is due 20 minutes later, at 01:10 GMT", () => {
    const leave = at("2026-10-25T00:50:00Z"); // 01:50 BST
    const visit = visitLeaving(leave, nightPolicy);
    const ok = answers(replyTo(visit, { type: "ok" }, "a.khan", at("2026-10-25T00:55:00Z")).effects)[0];
    expect(ok && answerText(visit, ok)).toBe("Thanks, checked in at 01:55. Next check-in by 01:15.");
    const prompted = nextStep(visit, at("2026-10-25T01:08:00Z"), reachAll);
    expect(prompted.effects).toEqual([{ type: "prompt_check_in", due: "2026-10-25T01:10:00.000Z", responsibleContact: false }]);
    expect(formatSchoolClock(at("2026-10-25T01:10:00Z"), "Europe/London")).toBe("01:10");
  });

  it("the hour that repeats on 25 October is still school time: a Sunday, so out of hours, both times round", () => {
    expect(classifyHours(at("2026-10-25T00:30:00Z"), policy)).toBe("evening"); // 01:30 BST
    expect(classifyHours(at("2026-10-25T01:30:00Z"), policy)).toBe("evening"); // 01:30 GMT
    expect(classifyHours(at("2026-10-25T10:00:00Z"), policy)).toBe("out_of_hours"); // Sunday 10:00 GMT
  });
});
