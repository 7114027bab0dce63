import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { escalationMessage } from "../../src/app/messages/alert-messages.js";
import { ConfigError } from "../../src/config/config-error.js";
import { loadPolicyFile } from "../../src/config/load-school.js";
import { authoriseApprover, decideVisit } from "../../src/domain/approval.js";
import { nextStep } from "../../src/domain/safety/safety-engine.js";
import { classifyHours } from "../../src/domain/school-hours.js";
import type { Visit } from "../../src/domain/visit.js";
import { assessRequest } from "../../src/domain/visit-request.js";
import {
  buildRequest,
  buildVisit,
  escalations,
  loadPreset,
  minutesAfter,
  policiesDir,
  presetPath,
  purposeOf,
  reachAll,
  replyTo,
  runEngine,
  staff,
  T0,
  unwrap,
} from "./builders.js";

type LoneVisit = { error: "second.staffId" } | { warning: "lone-visit" | "lone-visit-dsl-decides" };

interface PresetRow {
  file: string;
  /** What the school's own text makes of a request without a second member of staff. */
  loneVisit: LoneVisit;
  /** Roles that may approve an ordinary (non-safeguarding) visit, and roles that may not. */
  approvers: string[];
  notApprovers: string[];
  checkInEvery: number;
  promptBefore: number;
  doorstepWait: number;
  /** The wait after "parents late"; the same as doorstepWait when the policy allows no extension. */
  parentsLateWait: number;
  vehicleRequired: boolean;
}

const presets: PresetRow[] = [
  {
    file: "default",
    loneVisit: { warning: "lone-visit" },
    approvers: ["dsl", "deputy_dsl", "headteacher"],
    notApprovers: ["office", "teacher"],
    checkInEvery: 20,
    promptBefore: 2,
    doorstepWait: 20,
    parentsLateWait: 30,
    vehicleRequired: true,
  },
  {
    file: "st-peters",
    loneVisit: { warning: "lone-visit-dsl-decides" },
    approvers: ["dsl", "deputy_dsl"],
    notApprovers: ["headteacher", "office"],
    checkInEvery: 20,
    promptBefore: 2,
    doorstepWait: 20,
    parentsLateWait: 30,
    vehicleRequired: true,
  },
  {
    file: "ordsall-primary",
    loneVisit: { error: "second.staffId" },
    approvers: ["headteacher", "dsl", "deputy_dsl"],
    notApprovers: ["office", "teacher"],
    checkInEvery: 20,
    promptBefore: 2,
    doorstepWait: 20,
    parentsLateWait: 20,
    vehicleRequired: true,
  },
  {
    file: "heather-avenue-infant",
    loneVisit: { error: "second.staffId" },
    approvers: ["headteacher", "dsl"],
    notApprovers: ["office", "teacher"],
    checkInEvery: 20,
    promptBefore: 2,
    doorstepWait: 20,
    parentsLateWait: 30,
    vehicleRequired: true,
  },
  {
    file: "morecambe-road",
    loneVisit: { warning: "lone-visit" },
    approvers: ["leadership_team"],
    notApprovers: ["headteacher", "dsl", "office"],
    checkInEvery: 20,
    promptBefore: 2,
    doorstepWait: 20,
    parentsLateWait: 30,
    vehicleRequired: true,
  },
  {
    file: "lincolnshire",
    loneVisit: { warning: "lone-visit-dsl-decides" },
    approvers: ["headteacher", "dsl", "deputy_dsl"],
    notApprovers: ["office", "attendance_champion"],
    checkInEvery: 20,
    promptBefore: 2,
    doorstepWait: 20,
    parentsLateWait: 30,
    vehicleRequired: true,
  },
];

/** A visit whose pair has just arrived at the door at T0 and checks in at T0+15 (so no ladder runs). */
function atTheDoor(file: string, parentsLate: boolean): Visit {
  const policy = loadPreset(file);
  let visit = buildVisit(policy, {
    status: "at_address",
    progress: {
      leftSchoolAt: minutesAfter(-10).toISOString(),
      lastCheckIn: { at: T0.toISOString(), by: "t.jones", place: "at the address" },
      arrivedAt: T0.toISOString(),
      doorstep: { startedAt: T0.toISOString(), parentsLate: false },
    },
  });
  if (parentsLate) visit = replyTo(visit, { type: "parents_late" }, "t.jones", minutesAfter(2)).visit;
  return replyTo(visit, { type: "ok" }, "a.khan", minutesAfter(15)).visit;
}

describe.each(presets)("preset $file", (row) => {
  const policy = loadPreset(row.file);

  it("loads with loadPolicyFile and carries a dated version stamp", () => {
    expect(policy.version).toMatch(new RegExp(`^${row.file}-\\d{4}-\\d{2}$`));
    expect(policy.school.timezone).toBe("Europe/London");
    expect(policy.escalation.steps.some((step) => step.emergencyPack)).toBe(true);
  });

  it("accepts a complete, paired, school-hours request with no errors", () => {
    const assessment = assessRequest(buildRequest(policy), policy, T0);
    expect(assessment.errors).toEqual([]);
    expect(classifyHours(minutesAfter(30), policy)).toBe("school_hours");
  });

  it("treats a lone visit as its policy says", () => {
    const { errors, warnings } = assessRequest(buildRequest(policy, { second: null }), policy, T0);
    if ("error" in row.loneVisit) {
      expect(errors.map((e) => e.field)).toContain(row.loneVisit.error);
    } else {
      expect(errors).toEqual([]);
      expect(warnings.map((w) => w.code)).toContain(row.loneVisit.warning);
    }
  });

  it(`${row.vehicleRequired ? "refuses" : "accepts"} a request without vehicle details`, () => {
    const { errors } = assessRequest(buildRequest(policy, { vehicle: null }), policy, T0);
    if (row.vehicleRequired) expect(errors.map((e) => e.field)).toContain("vehicle.registration");
    else expect(errors).toEqual([]);
  });

  it.each(row.approvers)("lets %s approve an ordinary visit", (role) => {
    const visit = buildVisit(policy, { status: "requested" });
    expect(authoriseApprover(visit, staff("approver", [role]), policy).ok).toBe(true);
  });

  it.each(row.notApprovers)("refuses approval by %s (not-an-approver)", (role) => {
    const visit = buildVisit(policy, { status: "requested" });
    const result = authoriseApprover(visit, staff("someone", [role]), policy);
    expect(result.ok ? null : result.error.code).toBe("not-an-approver");
  });

  it(`prompts a check-in ${row.promptBefore} min before it is due, every ${row.checkInEvery} min`, () => {
    const approved = buildVisit(policy, { status: "approved" });
    const leaving = replyTo(approved, { type: "leaving" }, "t.jones", T0);
    const promptAt = minutesAfter(row.checkInEvery - row.promptBefore);

    const before = nextStep(leaving.visit, new Date(promptAt.getTime() - 1), reachAll);
    expect(before.effects).toEqual([]);
    expect(before.nextAt?.toISOString()).toBe(promptAt.toISOString());

    const at = nextStep(leaving.visit, promptAt, reachAll);
    expect(at.effects).toEqual([
      { type: "prompt_check_in", due: minutesAfter(row.checkInEvery).toISOString(), responsibleContact: false },
    ]);

    // A check-in restarts the interval from the moment it was made.
    const checkedIn = replyTo(at.visit, { type: "ok" }, "a.khan", minutesAfter(row.checkInEvery - 1)).visit;
    const next = nextStep(checkedIn, minutesAfter(row.checkInEvery - 1), reachAll);
    expect(next.nextAt?.toISOString()).toBe(minutesAfter(2 * row.checkInEvery - 1 - row.promptBefore).toISOString());
  });

  it("starts the ladder at the pair when a check-in is missed by more than the grace period", () => {
    const leaving = replyTo(buildVisit(policy), { type: "leaving" }, "t.jones", T0).visit;
    const missedAt = minutesAfter(row.checkInEvery + policy.checkIns.graceMinutes);
    const { timeline } = runEngine(leaving, T0, missedAt);
    const steps = escalations(timeline);
    expect(steps).toHaveLength(1);
    expect(steps[0]?.at).toBe(missedAt.toISOString());
    expect(steps[0]?.effect.reason).toBe("missed_check_in");
    expect(steps[0]?.effect.targets).toEqual(["pair"]);
  });

  it(`cancels at the door after exactly ${row.doorstepWait} minutes`, () => {
    const visit = atTheDoor(row.file, false);
    const end = minutesAfter(row.doorstepWait);
    const waiting = nextStep(visit, new Date(end.getTime() - 1), reachAll);
    expect(waiting.visit.status).toBe("at_address");
    expect(waiting.nextAt?.toISOString()).toBe(end.toISOString());
    const done = nextStep(visit, end, reachAll);
    expect(done.visit.status).toBe("cancelled");
    expect(done.visit.progress.cancelReason).toBe("parents not present");
    expect(done.effects.map((e) => e.type)).toEqual(["doorstep_timeout"]);
  });

  it(`waits exactly ${row.parentsLateWait} minutes when parents said they are late`, () => {
    const visit = atTheDoor(row.file, true);
    const end = minutesAfter(row.parentsLateWait);
    const waiting = nextStep(visit, new Date(end.getTime() - 1), reachAll);
    expect(waiting.visit.status).toBe("at_address");
    expect(waiting.effects).toEqual([]);
    expect(nextStep(visit, end, reachAll).visit.status).toBe("cancelled");
  });

  it("stamps its version on a visit at approval; an edited policy cannot re-stamp it", () => {
    const approver = staff("approver", [row.approvers[0] ?? "dsl"]);
    const approved = unwrap(
      decideVisit(buildVisit(policy, { status: "requested" }), approver, { outcome: "approve" }, policy, T0),
    );
    expect(approved.status).toBe("approved");
    expect(approved.policyVersion).toBe(policy.version);
    expect(approved.policy).toEqual(policy);
    const edited = { ...policy, version: `${policy.version}-edited`, checkIns: { ...policy.checkIns, intervalMinutes: 60 } };
    const again = decideVisit(approved, approver, { outcome: "approve" }, edited, minutesAfter(5));
    expect(again.ok ? null : again.error.code).toBe("already-decided");
    expect(approved.policy.checkIns.intervalMinutes).toBe(row.checkInEvery);
  });
});

describe("St Peter's School", () => {
  const policy = loadPreset("st-peters");

  it("only the DSL or deputy may approve: a headteacher gets not-an-approver", () => {
    const visit = buildVisit(policy, { status: "requested", request: buildRequest(policy, { purposeId: "safe_and_well" }) });
    const head = authoriseApprover(visit, staff("head", ["headteacher"]), policy);
    expect(head.ok ? null : head.error.code).toBe("not-an-approver");
    expect(authoriseApprover(visit, staff("deputy", ["deputy_dsl"]), policy).ok).toBe(true);
  });

  it("an evening visit needs a written justification", () => {
    const evening = { plannedStart: "2026-11-24T18:30:00Z", expectedReturn: "2026-11-24T19:45:00Z" };
    const contact = { responsibleContact: { name: "Sam Office", mobile: "07700 900789" } };
    const bare = assessRequest(buildRequest(policy, { ...evening, ...contact }), policy, T0);
    expect(bare.errors.map((e) => e.field)).toEqual(["outOfHoursJustification"]);

    const justified = assessRequest(
      buildRequest(policy, { ...evening, ...contact, outOfHoursJustification: "Only time both parents are home" }),
      policy,
      T0,
    );
    expect(justified.errors).toEqual([]);
    expect(justified.warnings.map((w) => w.code)).toContain("evening");
  });

  it("parents may be left untold only for a safe-and-well or emergency visit", () => {
    const untold = assessRequest(buildRequest(policy, { parentsTold: false }), policy, T0);
    expect(untold.errors.map((e) => e.field)).toEqual(["parentNoticeException"]);

    for (const exception of ["safe_and_well", "emergency"]) {
      const excepted = assessRequest(buildRequest(policy, { parentsTold: false, parentNoticeException: exception }), policy, T0);
      expect(excepted.errors).toEqual([]);
      expect(excepted.warnings.map((w) => w.code)).toContain("parents-not-told");
    }
  });

  it("a safe word must be agreed before the visit", () => {
    const { errors } = assessRequest(buildRequest(policy, { codeWord: undefined }), policy, T0);
    expect(errors.map((e) => e.field)).toEqual(["codeWord"]);
  });
});

describe("Ordsall Primary School", () => {
  const policy = loadPreset("ordsall-primary");
  const outOfHours = { plannedStart: "2026-11-24T16:30:00Z", expectedReturn: "2026-11-24T17:45:00Z" };
  const contact = { name: "Karl Hopkinson", mobile: "07700 900321" };

  it("refuses a lone visit", () => {
    const { errors } = assessRequest(buildRequest(policy, { second: null }), policy, T0);
    expect(errors).toEqual([{ field: "second.staffId", message: expect.stringContaining("never makes lone visits") }]);
  });

  it("the headteacher may approve every visit, a welfare check included", () => {
    const visit = buildVisit(policy, { status: "requested", request: buildRequest(policy, { purposeId: "welfare" }) });
    expect(authoriseApprover(visit, staff("head", ["headteacher"]), policy).ok).toBe(true);
  });

  it("out of hours needs a reason and a responsible contact", () => {
    const neither = assessRequest(buildRequest(policy, outOfHours), policy, T0);
    expect(neither.errors.map((e) => e.field).sort()).toEqual(["outOfHoursJustification", "responsibleContact.name"]);

    const reasonOnly = assessRequest(
      buildRequest(policy, { ...outOfHours, outOfHoursJustification: "Parent works shifts until 16:00" }),
      policy,
      T0,
    );
    expect(reasonOnly.errors.map((e) => e.field)).toEqual(["responsibleContact.name"]);

    const both = assessRequest(
      buildRequest(policy, {
        ...outOfHours,
        outOfHoursJustification: "Parent works shifts until 16:00",
        responsibleContact: contact,
      }),
      policy,
      T0,
    );
    expect(both.errors).toEqual([]);
    expect(both.warnings.map((w) => w.code)).toContain("out-of-hours");
  });

  it("animals that cannot be secured cancel the visit (said on the approval card)", () => {
    const { warnings } = assessRequest(buildRequest(policy, { risks: { animals: true } }), policy, T0);
    expect(warnings).toContainEqual({ code: "animals", text: expect.stringContaining("or the visit is cancelled") });
  });

  it("'parents late' buys no extra time: still 20 minutes", () => {
    const visit = buildVisit(policy, {
      status: "at_address",
      progress: { arrivedAt: T0.toISOString(), lastCheckIn: { at: T0.toISOString(), by: "t.jones", place: "at the address" } },
    });
    const late = replyTo(visit, { type: "parents_late" }, "t.jones", T0);
    expect(late.effects.at(-1)).toEqual({
      type: "answer",
      to: "t.jones",
      answer: { kind: "parents_late", waitUntil: minutesAfter(20).toISOString(), extended: false },
    });
    expect(nextStep(late.visit, minutesAfter(20), reachAll).visit.status).toBe("cancelled");
  });

  it("staff not contactable: office, then the headteacher, then the police instruction", () => {
    const leaving = replyTo(buildVisit(policy), { type: "leaving" }, "t.jones", T0).visit;
    const { timeline } = runEngine(leaving, T0, minutesAfter(90));
    const steps = escalations(timeline).map(({ at, effect }) => ({
      at,
      id: effect.step.id,
      targets: effect.targets,
      pack: effect.step.emergencyPack,
    }));
    expect(steps).toEqual([
      { at: minutesAfter(25).toISOString(), id: "reprompt_pair", targets: ["pair"], pack: false },
      { at: minutesAfter(30).toISOString(), id: "office_calls", targets: ["office"], pack: false },
      { at: minutesAfter(35).toISOString(), id: "headteacher_decides", targets: ["headteacher"], pack: false },
      { at: minutesAfter(45).toISOString(), id: "police", targets: ["alerts", "headteacher", "dsl"], pack: true },
    ]);
    expect(policy.escalation.emergencyInstruction).toMatch(/police on 999/);
  });

  describe("out of hours the responsible contact takes the office's step", () => {
    const start = new Date("2026-11-24T16:30:00Z");
    const officeStep = (responsibleContact: typeof contact & { staffId?: string }) => {
      const request = buildRequest(policy, { ...outOfHours, outOfHoursJustification: "Parent works shifts", responsibleContact });
      const leaving = replyTo(buildVisit(policy, { request }), { type: "leaving" }, "t.jones", start).visit;
      const { timeline } = runEngine(leaving, start, minutesAfter(40, start));
      const prompt = timeline.find((entry) => entry.effect.type === "prompt_check_in");
      expect(prompt?.effect).toMatchObject({ responsibleContact: true });
      const office = escalations(timeline).find(({ effect }) => effect.step.id === "office_calls");
      expect(office?.at).toBe(minutesAfter(30, start).toISOString());
      return office?.effect.targets;
    };

    it("when the contact is a member of staff the bot can message", () => {
      expect(officeStep({ ...contact, staffId: "k.hopkinson" })).toEqual(["responsible_contact"]);
    });

    it("when the bot cannot message the contact, the office is still tried", () => {
      expect(officeStep(contact)).toEqual(["office"]);
    });
  });
});

describe("Heather Avenue Infant School", () => {
  const policy = loadPreset("heather-avenue-infant");

  it("takes Reception induction visits as a day of up to 6 homes, the plan left with the headteacher and the office", () => {
    expect(policy.stops.planNotify).toEqual(["headteacher", "office"]);
    expect(Object.fromEntries(policy.purposes.map((p) => [p.id, p.maxStops]))).toEqual({
      reception_induction: 6,
      further_visit: 1,
    });
  });

  it("refuses a request without the vehicle registration", () => {
    const vehicle = { make: "Ford", model: "Fiesta", colour: "Blue", registration: "" };
    const { errors } = assessRequest(buildRequest(policy, { vehicle }), policy, T0);
    expect(errors.map((e) => e.field)).toEqual(["vehicle.registration"]);
  });

  it("offers Reception induction visits and always pairs staff", () => {
    const induction = assessRequest(buildRequest(policy, { purposeId: "reception_induction" }), policy, T0);
    expect(induction.errors).toEqual([]);
    const lone = assessRequest(buildRequest(policy, { purposeId: "reception_induction", second: null }), policy, T0);
    expect(lone.errors.map((e) => e.field)).toEqual(["second.staffId"]);
  });

  it("parents are always told in advance", () => {
    const { errors } = assessRequest(buildRequest(policy, { parentsTold: false }), policy, T0);
    expect(errors.map((e) => e.field)).toEqual(["parentNoticeException"]);
  });

  it("not back at the agreed time: the office calls the mobile, then the police", () => {
    const visit = buildVisit(policy, {
      status: "left_address",
      request: buildRequest(policy, { expectedReturn: minutesAfter(60).toISOString() }),
      progress: {
        leftSchoolAt: T0.toISOString(),
        leftAddressAt: minutesAfter(50).toISOString(),
        lastCheckIn: { at: minutesAfter(50).toISOString(), by: "t.jones", place: "left the address" },
      },
    });
    const { timeline } = runEngine(visit, minutesAfter(50), minutesAfter(120));
    const steps = escalations(timeline);
    expect(steps.map(({ at, effect }) => [at, effect.reason, effect.targets])).toEqual([
      [minutesAfter(60).toISOString(), "overdue_return", ["pair"]],
      [minutesAfter(65).toISOString(), "overdue_return", ["office"]],
      [minutesAfter(75).toISOString(), "overdue_return", ["alerts", "office", "headteacher", "dsl"]],
    ]);
    expect(steps[1]?.effect.step.ask).toMatch(/call the mobile phones/i);
    expect(steps[2]?.effect.step.emergencyPack).toBe(true);
    // What the leaders read: the overdue pack never opens as if a code word had been used.
    const last = steps[2];
    if (!last) throw new Error("no emergency step");
    const pack = escalationMessage(visit, last.effect, "dsl");
    const shown = [pack.title, ...pack.blocks.map((b) => (b.type === "text" ? b.text : ""))].join("\n");
    expect(shown).toMatch(/EMERGENCY: staff/);
    expect(shown).not.toMatch(/code word/i);
  });

  it("the code word means 999 at once with names, last known location and vehicle registration", () => {
    const underWay = replyTo(buildVisit(policy), { type: "leaving" }, "t.jones", T0).visit;
    const raised = replyTo(underWay, { type: "code_word" }, "a.khan", minutesAfter(12));
    expect(raised.visit.progress.alarm?.kind).toBe("code_word");
    expect(raised.effects.map((e) => e.type)).toEqual(["answer", "alarm_alert"]);
    // The reply looks like an ordinary check-in to anyone reading over a shoulder.
    expect(raised.effects[0]).toMatchObject({ type: "answer", answer: { kind: "checked_in" } });
    expect(policy.escalation.codeWordNotify).toEqual(expect.arrayContaining(["headteacher", "office"]));
    const instruction = policy.escalation.codeWordInstruction ?? "";
    expect(instruction).toMatch(/code word used: call the police on 999 immediately/i);
    expect(instruction).toMatch(/names and last known locations/);
    expect(instruction).toMatch(/vehicle registration/);
    // Staff overdue with no code word: the pack says what to do then, and never opens with the code word.
    expect(policy.escalation.emergencyInstruction).not.toMatch(/code word/i);
    expect(policy.escalation.emergencyInstruction).toMatch(/reasonable cause for concern/);
  });
});

describe("Morecambe Road School", () => {
  const policy = loadPreset("morecambe-road");

  it("the Central Leadership Team approves", () => {
    const visit = buildVisit(policy, { status: "requested" });
    expect(authoriseApprover(visit, staff("clt", ["leadership_team"]), policy).ok).toBe(true);
    const head = authoriseApprover(visit, staff("head", ["headteacher"]), policy);
    expect(head.ok ? null : head.error.code).toBe("not-an-approver");
  });

  it("a lone visit is allowed but flagged; unannounced visits are flagged too", () => {
    const { errors, warnings } = assessRequest(buildRequest(policy, { second: null, parentsTold: false }), policy, T0);
    expect(errors).toEqual([]);
    expect(warnings.map((w) => w.code)).toEqual(["lone-visit", "parents-not-told"]);
  });

  it("waits 20 minutes, or 30 when parents phoned ahead, then tells the leadership team", () => {
    const onTime = atTheDoor("morecambe-road", false);
    expect(nextStep(onTime, new Date(minutesAfter(20).getTime() - 1), reachAll).visit.status).toBe("at_address");
    expect(nextStep(onTime, minutesAfter(20), reachAll).visit.status).toBe("cancelled");

    const late = atTheDoor("morecambe-road", true);
    expect(nextStep(late, minutesAfter(20), reachAll).visit.status).toBe("at_address");
    expect(nextStep(late, new Date(minutesAfter(30).getTime() - 1), reachAll).visit.status).toBe("at_address");
    const cancelled = nextStep(late, minutesAfter(30), reachAll);
    expect(cancelled.visit.status).toBe("cancelled");
    expect(cancelled.effects).toEqual([{ type: "doorstep_timeout", notify: ["leadership_team"], reason: "parents_late" }]);
  });

  it("the ladder goes to the Central Leadership Team, not a headteacher", () => {
    const leaving = replyTo(buildVisit(policy), { type: "leaving" }, "t.jones", T0).visit;
    const { timeline } = runEngine(leaving, T0, minutesAfter(90));
    const targets = escalations(timeline).flatMap(({ effect }) => effect.targets);
    expect(targets).toContain("leadership_team");
    expect(targets).not.toContain("headteacher");
  });

  it("three months of falling attendance means the authorities are told", () => {
    expect(policy.attendance.fallingAttendanceMonthsNotify).toBe(3);
    expect(policy.purposes.every((p) => !p.safeguarding)).toBe(true);
  });
});

describe("Lincolnshire school", () => {
  const policy = loadPreset("lincolnshire");
  const safeguardingVisit = () =>
    buildVisit(policy, { status: "requested", request: buildRequest(policy, { purposeId: purposeOf(policy, true) }) });

  it("a safeguarding visit needs the headteacher and the DSL, two people; one decline ends it", () => {
    const head = staff("head", ["headteacher"]);
    const dsl = staff("dsl", ["dsl"]);
    const visit = safeguardingVisit();
    const first = decideVisit(visit, head, { outcome: "approve" }, policy, T0);
    if (!first.ok) throw first.error;
    expect(first.value.status).toBe("requested");
    expect(first.value.progress.signOffs?.map((s) => s.staffId)).toEqual(["head"]);
    const again = decideVisit(first.value, head, { outcome: "approve" }, policy, minutesAfter(1));
    expect(again.ok ? null : again.error.message).toBe(
      "You have already approved this visit. It still needs the Designated Safeguarding Lead or a deputy DSL.",
    );
    const second = decideVisit(
      first.value,
      dsl,
      { outcome: "conditions", conditions: { policeAccompaniment: true } },
      policy,
      minutesAfter(5),
    );
    if (!second.ok) throw second.error;
    expect(second.value.status).toBe("approved");
    expect(second.value.decision?.signedOffBy?.map((s) => s.staffId)).toEqual(["head", "dsl"]);
    expect(second.value.decision?.conditions).toEqual({ policeAccompaniment: true });
    // Someone who is both gives one part only: another person must give the other.
    const both = staff("head-and-dsl", ["headteacher", "dsl"]);
    const byBoth = decideVisit(visit, both, { outcome: "approve" }, policy, T0);
    if (!byBoth.ok) throw byBoth.error;
    expect(decideVisit(byBoth.value, both, { outcome: "approve" }, policy, T0).ok).toBe(false);
    const declined = decideVisit(
      first.value,
      staff("deputy", ["deputy_dsl"]),
      { outcome: "decline", reason: "Social care are visiting" },
      policy,
      T0,
    );
    expect(declined.ok && declined.value.status).toBe("declined");
    // An attendance visit is still the headteacher's alone.
    const attendance = buildVisit(policy, { status: "requested", request: buildRequest(policy, { purposeId: "attendance" }) });
    const alone = decideVisit(attendance, head, { outcome: "approve" }, policy, T0);
    expect(alone.ok && alone.value.status).toBe("approved");
  });

  it("the headteacher authorises an attendance visit", () => {
    const visit = buildVisit(policy, { status: "requested", request: buildRequest(policy, { purposeId: "attendance" }) });
    expect(authoriseApprover(visit, staff("head", ["headteacher"]), policy).ok).toBe(true);
  });

  it("the approval card says a safe-and-well visit needs the headteacher and the DSL", () => {
    const { warnings } = assessRequest(buildRequest(policy, { purposeId: "safe_and_well", parentsTold: false }), policy, T0);
    expect(warnings.map((w) => w.code)).toEqual(["safeguarding", "parents-not-told"]);
    expect(warnings[0]?.text).toBe(
      "Safeguarding visit: it needs approval from the headteacher and the Designated Safeguarding Lead or a deputy DSL.",
    );
  });

  it("nobody answering tells the DSL and the Attendance Champion, and a card is left", () => {
    const visit = atTheDoor("lincolnshire", false);
    const done = nextStep(visit, minutesAfter(20), reachAll);
    expect(done.effects).toEqual([{ type: "doorstep_timeout", notify: ["dsl", "attendance_champion"], reason: "no_answer" }]);
    const noChampion = nextStep(visit, minutesAfter(20), (target) => target !== "attendance_champion");
    expect(noChampion.effects).toEqual([{ type: "doorstep_timeout", notify: ["dsl"], reason: "no_answer" }]);
    expect(policy.records.weCalledTodayCard).toBe(true);
  });

  it("encodes the attendance triggers and the Appendix B contact details", () => {
    expect(policy.attendance).toMatchObject({
      noContactDay: 1,
      safeAndWellVisitByDay: 3,
      mustSeeByDay: 6,
      consecutiveUnauthorisedDaysNotify: 10,
    });
    expect(policy.school.phone).toBe("01754 810241");
    expect(policy.school.email).toBe("attendance@burghschool.org.uk");
  });
});

describe("a day of visits in every preset", () => {
  it.each(presets.map((p) => p.file))("%s says who is sent the plan, and which purposes take several homes", (file) => {
    const raw = parseYaml(readFileSync(presetPath(file), "utf8")) as { stops?: { planNotify?: string[] } };
    expect(raw.stops?.planNotify?.length).toBeGreaterThan(0);
    const several = loadPreset(file)
      .purposes.filter((p) => p.maxStops > 1)
      .map((p) => p.id);
    expect(several).toEqual({ default: ["induction"], "heather-avenue-infant": ["reception_induction"] }[file] ?? []);
  });
});

describe("policies/README.md", () => {
  it("lists every preset in the folder", () => {
    const readme = readFileSync(join(policiesDir, "README.md"), "utf8");
    const files = readdirSync(policiesDir).filter((name) => name.endsWith(".yaml"));
    expect(files.length).toBe(presets.length);
    for (const file of files) expect(readme).toContain(file);
  });
});

describe("a broken policy file", () => {
  const dir = mkdtempSync(join(tmpdir(), "homevisit-policy-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const base = () => parseYaml(readFileSync(presetPath("default"), "utf8")) as Record<string, Record<string, unknown>>;

  function write(name: string, text: string): string {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  }

  function loadError(path: string): ConfigError {
    try {
      loadPolicyFile(path);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return error as ConfigError;
    }
    throw new Error(`${path} loaded, but it should have failed`);
  }

  it("names the file, the key and the problem", () => {
    const policy = base();
    policy.checkIns = { ...policy.checkIns, intervalMinutes: 3 };
    const path = write("too-frequent.yaml", stringifyYaml(policy));
    const error = loadError(path);
    expect(error.message).toContain(path);
    expect(error.message).toContain("checkIns.intervalMinutes: check-ins less than 5 minutes apart are not workable");
  });

  it("names a missing key and a wrong choice", () => {
    const policy = base();
    policy.pairing = {};
    policy.hours = { ...policy.hours, evening: "sometimes" };
    const error = loadError(write("missing.yaml", stringifyYaml(policy)));
    expect(error.message).toMatch(/missing\.yaml is not valid:/);
    expect(error.message).toMatch(/- pairing\.rule: /);
    expect(error.message).toMatch(/- hours\.evening: .*"refuse"/);
  });

  it("names the step whose id repeats and a ladder without an emergency pack", () => {
    const policy = base();
    const steps = policy.escalation?.steps as Record<string, unknown>[];
    policy.escalation = {
      ...policy.escalation,
      steps: [steps[0], { ...steps[1], id: steps[0]?.id }],
    };
    const error = loadError(write("ladder.yaml", stringifyYaml(policy)));
    expect(error.message).toContain("escalation.steps.1.id: step ids must be unique");
    expect(error.message).toContain("escalation.steps: the ladder must end in a step with emergencyPack: true");
  });

  it("names a school day that ends before it starts", () => {
    const policy = base();
    policy.hours = { ...policy.hours, schoolDayStart: "16:00", schoolDayEnd: "08:30" };
    const error = loadError(write("hours.yaml", stringifyYaml(policy)));
    expect(error.message).toContain("hours.schoolDayEnd: must be after hours.schoolDayStart");
  });

  it("reports invalid YAML with the file name", () => {
    const path = write("broken.yaml", "version: default\nschool:\n  name: [unclosed\n");
    const error = loadError(path);
    expect(error.message).toContain(`${path} is not valid YAML`);
  });

  it("reports a file that does not exist", () => {
    const path = join(dir, "nowhere.yaml");
    expect(loadError(path).message).toBe(`${path} cannot be read: ENOENT`);
  });

  it("accepts the same policy written as JSON", () => {
    const path = write("default.json", JSON.stringify(base()));
    expect(loadPolicyFile(path).version).toBe(loadPreset("default").version);
  });
});
