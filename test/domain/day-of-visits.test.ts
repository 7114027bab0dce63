import { describe, expect, it } from "vitest";
import { loadPolicyFile } from "../../src/config/load-school.js";
import { applyReply } from "../../src/domain/replies/apply-reply.js";
import { stopsToRecord } from "../../src/domain/replies/next-stop.js";
import { parseReply } from "../../src/domain/replies/reply-words.js";
import { nextStep } from "../../src/domain/safety/safety-engine.js";
import { currentStop, parseFurtherStops, splitStopRef, stopRef } from "../../src/domain/stops.js";
import { lastKnownPlace, type Visit } from "../../src/domain/visit.js";
import { assessRequest, parseVisitRequest } from "../../src/domain/visit-request.js";
import { demoRequestInput } from "../support/visit-fixtures.js";

const policy = loadPolicyFile("policies/heather-avenue-infant.yaml");
const reach = () => true;
const at = (hhmm: string) => new Date(`2026-11-24T${hhmm}:00.000Z`);
const STOPS = "10:15, Sam Jones, 4 Elm Road, Leeds LS1 2CD\n11:00, Priya Shah, 9 Birch Close, Leeds LS2 3EF";

function request(furtherStops = STOPS, overrides: Parameters<typeof demoRequestInput>[0] = {}) {
  return parseVisitRequest({
    ...demoRequestInput({
      purposeId: "reception_induction",
      plannedStart: at("09:30"),
      durationMinutes: 150,
      expectedReturn: at("12:00"),
      ...overrides,
    }),
    furtherStops,
  });
}

/** A three-home day, approved, the pair at the school gate at 09:30. */
function dayOfVisits(): Visit {
  const parsed = request();
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const { codeWord: _c, ...req } = parsed.value;
  return {
    id: "HV-STPSS",
    status: "approved",
    version: 1,
    platform: "console",
    requesterId: "e.walsh",
    request: req,
    codeWordHash: "",
    warnings: [],
    policy,
    policyVersion: policy.version,
    decision: null,
    progress: { expectedReturn: req.expectedReturn.toISOString(), threadOpenedAt: at("08:30").toISOString() },
    messageRefs: {},
    createdAt: at("08:00"),
    hasRecord: false,
  };
}

function say(visit: Visit, text: string, when: string): { visit: Visit; answers: string[]; effects: string[] } {
  const reply = parseReply(text);
  if (!reply) throw new Error(`not a reply: ${text}`);
  const outcome = applyReply(visit, reply, "e.walsh", at(when), reach);
  if (!outcome.ok) throw outcome.error;
  if (!outcome.value) throw new Error("ignored");
  return {
    visit: outcome.value.visit,
    answers: outcome.value.effects.flatMap((e) => (e.type === "answer" ? [e.answer.kind] : [])),
    effects: outcome.value.effects.map((e) => e.type),
  };
}

describe("further stops on the request form", () => {
  it("reads one home a line, a comma inside the address included, and skips blank lines", () => {
    expect(parseFurtherStops("9.45, Sam Jones, Flat 2, 4 Elm Road, LS1 2CD\n\n 13:05 ,Priya Shah, 9 Birch Close LS2")).toEqual({
      ok: true,
      value: [
        { time: "09:45", pupil: { name: "Sam Jones" }, address: "Flat 2, 4 Elm Road, LS1 2CD" },
        { time: "13:05", pupil: { name: "Priya Shah" }, address: "9 Birch Close LS2" },
      ],
    });
  });

  it("names every bad line by its number, in one message under the field", () => {
    const parsed = parseFurtherStops(
      "10:15, Sam Jones, 4 Elm Road LS1\nten past, Priya, 9 Birch Close\n11:00, Ann Lee\n12:00,,1 Oak St LS3",
    );
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors).toHaveLength(1);
    expect(parsed.errors[0]?.field).toBe("stops");
    const message = parsed.errors[0]?.message ?? "";
    expect(message).toMatch(/line 2: start with the time as HH:MM/);
    expect(message).toMatch(/line 3: give the full address/);
    expect(message).toMatch(/line 4: give the pupil's name/);
    expect(message).not.toMatch(/line 1/);
  });

  it("keeps the stops on the request, and a request without them is as before", () => {
    const parsed = request();
    expect(parsed.ok && parsed.value.stops.map((s) => s.pupil.name)).toEqual(["Sam Jones", "Priya Shah"]);
    const single = request("");
    expect(single.ok && single.value.stops).toEqual([]);
  });

  it("holds Heather Avenue's own limits: induction takes up to 6 homes, in time order, before the return; a further visit is one home", () => {
    const assess = (text: string, overrides: Parameters<typeof demoRequestInput>[0] = {}) => {
      const parsed = request(text, overrides);
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
      return assessRequest(parsed.value, policy, at("08:00")).errors.filter((e) => e.field === "stops");
    };
    expect(assess(STOPS)).toEqual([]);
    expect(assess(STOPS, { purposeId: "further_visit" })[0]?.message).toMatch(/one home at a time/);
    const six = ["10:00", "10:20", "10:40", "11:00", "11:20", "11:40"].map((t, i) => `${t}, Child ${i}, ${i} Elm Road LS1`);
    expect(assess(six.slice(0, 5).join("\n"))).toEqual([]);
    expect(assess(six.join("\n"))[0]?.message).toMatch(/at most 6 homes/);
    expect(assess("09:00, Sam Jones, 4 Elm Road LS1")[0]?.message).toMatch(/stop 2 \(09:00\) must be after 09:30/);
    expect(assess("12:30, Sam Jones, 4 Elm Road LS1")[0]?.message).toMatch(/before you are back at school \(12:00\)/);
  });
});

describe("a day of visits, stop by stop", () => {
  it("reads next, next stop and next house as next", () => {
    for (const text of ["next", "Next stop", "next house please", "ok next", "on to the next one"])
      expect(parseReply(text)).toEqual({ type: "next" });
  });

  it("next after left moves to the next stop: the doorstep and check-ins start again there, and where they are follows", () => {
    let visit = dayOfVisits();
    visit = say(visit, "leaving", "09:30").visit;
    visit = say(visit, "no answer", "09:40").visit;
    expect(visit.progress.doorstep?.noAnswer).toBe(true);
    visit = say(visit, "left", "09:50").visit;
    const moved = say(visit, "next", "09:52");
    expect(moved.answers).toEqual(["next_stop"]);
    visit = moved.visit;
    expect(visit.status).toBe("under_way");
    expect(currentStop(visit)).toMatchObject({ number: 2, pupil: { name: "Sam Jones" } });
    expect(lastKnownPlace(visit)).toBe("travelling to 4 Elm Road, Leeds LS1 2CD");
    expect(visit.progress.doorstep).toBeUndefined();
    expect(visit.progress.arrivedAt).toBeUndefined();
    expect(visit.progress.stopLogs?.[0]).toMatchObject({
      arrivedAt: at("09:40").toISOString(),
      leftAt: at("09:50").toISOString(),
    });
    // The next check-in is one interval (20 min) after "next", not after the last one at stop 1.
    expect(nextStep(visit, at("09:52"), reach).nextAt?.toISOString()).toBe(at("10:10").toISOString());

    const arrived = say(visit, "arrived", "10:14").visit;
    expect(arrived.progress.arrivedAt).toBe(at("10:14").toISOString());
    expect(lastKnownPlace(arrived)).toBe("at the door of 4 Elm Road, Leeds LS1 2CD");
  });

  it("a doorstep wait that runs out leaves that home, not the day: the visit goes on, unanswered stop logged", () => {
    let visit = say(dayOfVisits(), "leaving", "09:30").visit;
    visit = say(visit, "no answer", "09:40").visit;
    const step = nextStep(visit, at("10:00"), reach);
    expect(step.visit.status).toBe("left_address");
    expect(step.visit.progress.stopLogs?.[0]?.noAnswer).toBe(true);
    expect(step.effects).toContainEqual(expect.objectContaining({ type: "doorstep_timeout", stop: 1, nextStop: 2 }));
    // Still watched: a check-in is due.
    expect(step.nextAt).not.toBeNull();
    const moved = say(step.visit, "next", "10:01");
    expect(currentStop(moved.visit).number).toBe(2);
  });

  it("next at the last stop says there is none and changes nothing; next before arriving is refused", () => {
    let visit = say(dayOfVisits(), "leaving", "09:30").visit;
    const early = applyReply(visit, { type: "next" }, "e.walsh", at("09:35"), reach);
    expect(early.ok).toBe(false);
    for (const [text, when] of [
      ["arrived", "09:40"],
      ["next", "10:00"],
      ["arrived", "10:15"],
      ["next", "10:45"],
      ["in", "11:00"],
    ] as const)
      visit = say(visit, text, when).visit;
    const last = say(visit, "next", "11:20");
    expect(last.answers).toEqual(["no_next_stop"]);
    expect(last.visit.status).toBe("in_home");
    expect(currentStop(last.visit).number).toBe(3);
  });

  it("a missed check-in at stop 2 starts the ladder there, and a check-in stands it down", () => {
    let visit = say(dayOfVisits(), "leaving", "09:30").visit;
    visit = say(visit, "arrived", "09:40").visit;
    visit = say(visit, "next", "10:00").visit;
    const missed = nextStep(visit, at("10:26"), reach);
    expect(missed.visit.progress.ladder?.reason).toBe("missed_check_in");
    expect(missed.effects).toContainEqual(expect.objectContaining({ type: "escalation_step" }));
    expect(currentStop(missed.visit).number).toBe(2);
    const ok = say(missed.visit, "ok", "10:27");
    expect(ok.visit.progress.ladder).toBeNull();
  });

  it("back with homes left records them as skipped, and asks for a form for each home reached only", () => {
    let visit = say(dayOfVisits(), "leaving", "09:30").visit;
    visit = say(visit, "arrived", "09:40").visit;
    visit = say(visit, "next", "10:00").visit;
    const back = say(visit, "back", "10:20");
    expect(back.answers).toEqual(["welcome_back"]);
    expect(back.effects).toContain("request_record");
    const answer = applyReply(visit, { type: "back" }, "e.walsh", at("10:20"), reach);
    const welcome = answer.ok && answer.value?.effects.find((e) => e.type === "answer");
    expect(welcome && welcome.type === "answer" && welcome.answer).toEqual({ kind: "welcome_back", skipped: [2, 3] });
    expect(back.visit.progress.stopLogs?.map((log) => !!log?.skipped)).toEqual([false, true, true]);
    expect(stopsToRecord(back.visit)).toEqual([1]);
  });

  it("a one-home visit is as it was: next says there is no next stop, and one form", () => {
    const parsed = parseVisitRequest(demoRequestInput());
    if (!parsed.ok) throw new Error("fixture");
    const { codeWord: _c, ...req } = parsed.value;
    let visit: Visit = { ...dayOfVisits(), request: req };
    visit = say(visit, "leaving", "11:00").visit;
    visit = say(visit, "left", "11:30").visit;
    expect(say(visit, "next", "11:31").answers).toEqual(["no_next_stop"]);
    expect(stopsToRecord(say(visit, "back", "11:45").visit)).toEqual([]);
  });

  it("a stop's button or form carries its number; the visit id alone is the visit", () => {
    expect(splitStopRef(stopRef("HV-7K3QD", 2))).toEqual({ visitId: "HV-7K3QD", stopNumber: 2 });
    expect(splitStopRef("HV-7K3QD")).toEqual({ visitId: "HV-7K3QD", stopNumber: null });
  });
});
