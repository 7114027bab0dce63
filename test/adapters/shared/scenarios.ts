import { expect } from "vitest";
import type { ChatDriver, Place, RequestValues } from "./chat-driver.js";

/**
 * Behaviour every chat platform must share, written against ChatDriver only: shared-scenarios.test.ts
 * runs each of these in Slack and in Teams. The school is schools/demo.yaml under
 * policies/default.yaml; the clock starts at 10:00 on a school day.
 */
export interface ScenarioInput {
  validRequest: RequestValues;
  codeWord: string;
}

/** A Home Visit Form the default policy accepts. */
const COMPLETE_RECORD = {
  present: "Mother (parental responsibility)",
  child_seen: "yes",
  safe_and_well: "yes",
  discussed: "Attendance plan for December",
} as const;

const last = (texts: readonly string[]) => texts.at(-1) ?? "";
const initialsOf = (name: string) =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => `${word.charAt(0).toUpperCase()}.`)
    .join("");

/**
 * The whole visit: request, a refused press, approval, the thread, a missed check-in that escalates
 * until someone checks in, back, and the Home Visit Form (wrong, then right) in the records channel.
 */
export async function wholeVisit(d: ChatDriver, input: ScenarioInput): Promise<void> {
  const pupil = String(input.validRequest.pupil_name);
  const visit = await d.requestVisit(input.validRequest);
  expect(visit.status).toBe("requested");

  // The approval card reaches the approvals channel with everything needed to decide, and the buttons.
  const cardsFor = async () => (await d.shown("approvals")).filter((m) => m.text.includes(visit.id));
  const [card] = await cardsFor();
  expect(card?.text).toContain(pupil);
  expect(card?.text).toContain(String(input.validRequest.address));
  expect(card?.text).toMatch(/\[Approve\]/);

  // Someone who may not approve presses Approve: refused, and neither the visit nor the card changes.
  const refused = await d.press("office", "visit_approve", visit.id);
  expect(refused.accepted).toBe(false);
  expect(refused.text).toMatch(/Only .* can approve home visits/);
  expect((await d.visit(visit.id)).status).toBe("requested");
  expect(await cardsFor()).toEqual([card]);

  // Ada approves: the same card now says so, without its buttons, and Erin is told.
  const approved = await d.press("dsl", "visit_approve", visit.id);
  expect(approved.accepted).toBe(true);
  expect(approved.text).toMatch(/Approved.*by Ada Okafor/);
  const cards = await cardsFor();
  expect(cards).toHaveLength(1);
  expect(cards[0]?.id).toBe(card?.id);
  expect(cards[0]?.edits).toBeGreaterThan(0);
  expect(cards[0]?.text).toMatch(/Approved.*by Ada Okafor/);
  expect(cards[0]?.text).not.toMatch(/\[Approve\]/);
  expect((await d.delivered({ dm: "requester" })).join("\n")).toMatch(/was approved/);

  // The visit's thread opens in the visits channel: its id and the pupil's initials, and the pair.
  const opener = (await d.delivered("visits")).find((text) => text.includes(visit.id)) ?? "";
  expect(opener).toContain(`${visit.id} (${initialsOf(pupil)})`);
  expect(opener).toMatch(/Erin Walsh/);
  expect(opener).toMatch(/Filip Nowak/);

  // leaving: under way, answered in the thread.
  expect(await d.reply("requester", visit.id, "leaving")).toEqual([]);
  expect((await d.visit(visit.id)).status).toBe("under_way");
  expect(last(await d.delivered("thread", visit.id))).toMatch(/On your way\. Check in by 10:20/);

  // Nobody checks in: a prompt in the thread, then the ladder (the pair by DM, then the office).
  await d.advance(18);
  expect(last(await d.delivered("thread", visit.id))).toMatch(/Check-in due by \**10:20/);
  await d.advance(7);
  expect((await d.visit(visit.id)).progress.ladder).toBeTruthy();
  for (const who of ["requester", "second"] as const) {
    const dm = last(await d.delivered({ dm: who }));
    expect(dm).toMatch(/You missed a check-in on home visit/);
    expect(dm).toMatch(/\[I'm OK\]/);
  }
  await d.advance(5);
  expect(last(await d.delivered({ dm: "office" }))).toMatch(/missed a check-in[\s\S]*Call both visiting staff/);

  // Filip types ok: the ladder stops, and everyone it reached is told to stand down.
  expect(await d.reply("second", visit.id, "ok")).toEqual([]);
  const checkedIn = await d.visit(visit.id);
  expect(checkedIn.progress.ladder).toBeNull();
  expect(checkedIn.progress.lastCheckIn?.by).toBe("f.nowak");
  expect(last(await d.delivered("thread", visit.id))).toMatch(/Thanks, checked in at 10:30/);
  const office = (await d.delivered({ dm: "office" })).join("\n");
  expect(office).toMatch(/Stand down: Filip Nowak checked in/);
  // The office's alert card itself now says so, with no button left on it.
  const officeCard = (await d.shown({ dm: "office" })).find((m) => m.text.includes("Call both visiting staff") || m.edits > 0);
  expect(officeCard?.text).toMatch(/Stood down at 10:30: Filip Nowak checked in/);
  expect(officeCard?.text).not.toMatch(/\[I'm calling them\]|\[Staff are safe\]/);
  // The leaders' step (due 10:40) never comes.
  await d.advance(10);
  for (const leader of ["head", "dsl"] as const)
    expect((await d.delivered({ dm: leader })).join("\n")).not.toMatch(/missed a check-in|not reached/);

  // back: returned, and Erin is asked for the Home Visit Form.
  expect(await d.reply("requester", visit.id, "back")).toEqual([]);
  expect((await d.visit(visit.id)).status).toBe("returned");
  expect(last(await d.delivered("thread", visit.id))).toMatch(/Welcome back/);
  expect(last(await d.delivered({ dm: "requester" }))).toMatch(/complete the Home Visit Form[\s\S]*\[Complete the form\]/);

  // An incomplete form comes back with errors under its fields; a complete one closes the visit.
  const incomplete = await d.submitRecord("requester", visit.id, { time_back: "25:00" });
  expect(incomplete.saved).toBe(false);
  expect(Object.keys(incomplete.errors)).toEqual(expect.arrayContaining(["present", "child_seen", "discussed", "time_back"]));
  expect((await d.visit(visit.id)).status).toBe("returned");
  const complete = await d.submitRecord("requester", visit.id, COMPLETE_RECORD);
  expect(complete.saved).toBe(true);
  const closed = await d.visit(visit.id);
  expect(closed.status).toBe("closed");
  expect(closed.hasRecord).toBe(true);

  // The record is in the records channel, and nowhere else.
  expect((await d.delivered("records")).join("\n")).toContain(COMPLETE_RECORD.discussed);
  const elsewhere: Place[] = ["visits", "approvals", "alerts", { dm: "requester" }, { dm: "second" }, { dm: "dsl" }];
  for (const place of elsewhere) expect((await d.sentTo(place)).join("\n")).not.toContain(COMPLETE_RECORD.discussed);

  await expectNoPupilDetailsInVisits(d, visit.id, input);
}

/** An approver approves; a second approver pressing afterwards is told it was already decided. */
export async function approveTwice(d: ChatDriver, input: ScenarioInput): Promise<void> {
  const visit = await d.requestVisit(input.validRequest);
  const first = await d.press("dsl", "visit_approve", visit.id);
  expect(first.accepted).toBe(true);
  expect(first.text).toMatch(/Approved.*by Ada Okafor/);
  const second = await d.press("deputy", "visit_approve", visit.id);
  expect(second.accepted).toBe(false);
  expect(second.text).toMatch(/already approved by Ada Okafor/);
  const after = await d.visit(visit.id);
  expect(after.status).toBe("approved");
  expect(after.decision?.by.staffId).toBe("a.okafor");
}

/** Two approvers press Approve at the same moment: one decision, and the other is told who made it. */
export async function approveAtOnce(d: ChatDriver, input: ScenarioInput): Promise<void> {
  const visit = await d.requestVisit(input.validRequest);
  const presses = await Promise.all([d.press("dsl", "visit_approve", visit.id), d.press("head", "visit_approve", visit.id)]);
  await d.settle();
  expect(presses.filter((p) => p.accepted)).toHaveLength(1);
  const after = await d.visit(visit.id);
  expect(after.status).toBe("approved");
  const decider = after.decision?.by.name ?? "";
  expect(["Ada Okafor", "Carys Morgan"]).toContain(decider);
  expect(presses.find((p) => !p.accepted)?.text).toContain(`already approved by ${decider}`);
  // One card, carrying one decision; the requester hears once.
  const cards = (await d.shown("approvals")).filter((m) => m.text.includes(visit.id));
  expect(cards).toHaveLength(1);
  expect(cards[0]?.text.match(/Approved\**\s+by/g)).toHaveLength(1);
  expect(cards[0]?.text).toContain(`by ${decider}`);
  expect((await d.delivered({ dm: "requester" })).filter((text) => /was approved/.test(text))).toHaveLength(1);
}

/** Someone who is not an approver presses Approve, Decline or Conditions: refused, nothing changes. */
export async function nonApproverCannotDecide(d: ChatDriver, input: ScenarioInput): Promise<void> {
  const visit = await d.requestVisit(input.validRequest);
  const approvalsBefore = await d.shown("approvals");
  for (const action of ["visit_approve", "visit_decline", "visit_conditions"]) {
    const press = await d.press("office", action, visit.id, { reason: "no", require_pair: "true" });
    expect(press.accepted).toBe(false);
    expect(press.text).toMatch(/Only .* can approve home visits/);
  }
  const stranger = await d.press("stranger", "visit_approve", visit.id);
  expect(stranger.accepted).toBe(false);
  expect(stranger.text).toMatch(/not in this school's homevisit staff directory/);
  expect((await d.visit(visit.id)).status).toBe("requested");
  expect(await d.shown("approvals")).toEqual(approvalsBefore);
}

/** A declined visit needs a reason; the reason reaches the card and the requester. */
export async function declineNeedsAReason(d: ChatDriver, input: ScenarioInput): Promise<void> {
  const visit = await d.requestVisit(input.validRequest);
  const empty = await d.press("dsl", "visit_decline", visit.id, { reason: "  " });
  expect(empty.accepted).toBe(false);
  expect(empty.text).toMatch(/Give a reason for declining/);
  expect((await d.visit(visit.id)).status).toBe("requested");
  const declined = await d.press("dsl", "visit_decline", visit.id, { reason: "Send the attendance letter first" });
  expect(declined.accepted).toBe(true);
  expect(declined.text).toMatch(/Declined.*by Ada Okafor/);
  expect(declined.text).toContain("Reason: Send the attendance letter first");
  expect((await d.visit(visit.id)).status).toBe("declined");
  expect((await d.delivered({ dm: "requester" })).join("\n")).toMatch(/was declined[\s\S]*Send the attendance letter first/);
}

/** Bad input comes back as errors under the fields, and nothing is created. */
export async function badInputShowsErrors(d: ChatDriver, input: ScenarioInput): Promise<void> {
  const approvalsBefore = (await d.delivered("approvals")).length;
  const outcome = await d.submitRequest({
    ...input.validRequest,
    pupil_name: "",
    address: "x",
    lead_mobile: "12345",
    vehicle_registration: "",
  });
  expect(outcome.visit).toBeUndefined();
  expect(Object.keys(outcome.errors)).toEqual(expect.arrayContaining(["pupil_name", "address", "lead_mobile"]));
  expect(outcome.errors.lead_mobile).toMatch(/mobile number/);
  expect((await d.delivered("approvals")).length).toBe(approvalsBefore);
}

/** The pair report in the thread: leaving, ok, back move the visit; the bot answers in the thread. */
export async function threadWalkthrough(d: ChatDriver, input: ScenarioInput): Promise<string> {
  const visit = await d.requestVisit(input.validRequest);
  await d.press("dsl", "visit_approve", visit.id);
  await d.reply("requester", visit.id, "leaving");
  expect((await d.visit(visit.id)).status).toBe("under_way");
  await d.advance(10);
  await d.reply("second", visit.id, "ok");
  expect((await d.visit(visit.id)).progress.lastCheckIn?.by).toBe("f.nowak");
  await d.advance(10);
  await d.reply("requester", visit.id, "back");
  expect((await d.visit(visit.id)).status).toBe("returned");
  const thread = (await d.delivered("thread", visit.id)).join("\n");
  expect(thread).toMatch(/On your way/);
  expect(thread).toMatch(/Checked in/i);
  expect(thread).toMatch(/Welcome back/);
  await expectNoPupilDetailsInVisits(d, visit.id, input);
  return visit.id;
}

/** Someone not on the visit types a reply word: told so, and the visit does not move. */
export async function notOnTheVisit(d: ChatDriver, input: ScenarioInput): Promise<void> {
  const visit = await d.requestVisit(input.validRequest);
  await d.press("dsl", "visit_approve", visit.id);
  const told = await d.reply("office", visit.id, "leaving");
  expect(told.join("\n")).toMatch(/Only the staff on this visit can check in here/);
  const stranger = await d.reply("stranger", visit.id, "ok");
  expect(stranger.join("\n")).toMatch(/Only the staff on this visit can check in here/);
  expect((await d.visit(visit.id)).status).toBe("approved");
  // Ordinary conversation in the thread is left alone.
  expect(await d.reply("office", visit.id, "Good luck both, the road is closed at the bottom")).toEqual([]);
}

/**
 * The code word: the thread shows what any check-in shows, the word itself appears nowhere, the
 * emergency pack goes to the alerts channel and the leaders but never to the pair. A leader who
 * reaches the staff stands it down from the pack, and the visit ends with its form as usual.
 */
export async function codeWordRaisesSilentAlarm(d: ChatDriver, input: ScenarioInput): Promise<void> {
  const visit = await d.requestVisit(input.validRequest);
  await d.press("dsl", "visit_approve", visit.id);
  await d.reply("requester", visit.id, "leaving");
  await d.advance(10);
  await d.reply("requester", visit.id, "ok");
  const anyCheckIn = last(await d.delivered("thread", visit.id)).replace(/\d\d:\d\d/g, "HH:MM");
  await d.advance(2);

  const toldAtOnce = await d.reply("second", visit.id, input.codeWord.toUpperCase());
  expect(toldAtOnce).toEqual([]);
  // The alarm is beside the visit: its status reads as before, to anyone who looks.
  expect((await d.visit(visit.id)).status).toBe("under_way");
  expect((await d.visit(visit.id)).progress.alarm?.kind).toBe("code_word");
  // The thread's answer is word for word what any check-in gets.
  expect(last(await d.delivered("thread", visit.id)).replace(/\d\d:\d\d/g, "HH:MM")).toBe(anyCheckIn);

  // The emergency pack: everything the police would ask for, in alerts and to the leaders and office.
  const alerts = (await d.delivered("alerts")).join("\n");
  expect(alerts).toMatch(/CODE WORD used by Filip Nowak/);
  expect(alerts).toContain("Filip Nowak: 07700900106");
  expect(alerts).toContain(String(input.validRequest.address));
  expect(alerts).toContain("AB12 CDE");
  for (const who of ["dsl", "head", "office"] as const)
    expect((await d.delivered({ dm: who })).join("\n")).toMatch(/CODE WORD used by Filip Nowak/);
  // The alarm is silent: nothing about it reaches the pair.
  for (const who of ["requester", "second"] as const)
    expect((await d.sentTo({ dm: who })).join("\n")).not.toMatch(/CODE WORD used|EMERGENCY|call 999/);
  // The word itself goes nowhere.
  const everywhere: Place[] = ["thread", "visits", "approvals", "alerts", "records"];
  for (const who of ["requester", "second", "dsl", "deputy", "head", "office"] as const) everywhere.push({ dm: who });
  for (const place of everywhere)
    expect((await d.sentTo(place, visit.id)).join("\n").toLowerCase()).not.toContain(input.codeWord.toLowerCase());

  // Ada reaches them, and once they are back presses Staff are safe on the pack, saying how she knows.
  const safe = await d.press("dsl", "escalation_safe", visit.id, { how: "back_at_school" });
  expect(safe.accepted).toBe(true);
  // What Ada sees: the card she pressed, stood down (and in Teams the same words as its answer).
  expect(safe.text).toMatch(/Stood down by Ada Okafor/);
  expect((await d.visit(visit.id)).status).toBe("returned");
  expect((await d.visit(visit.id)).progress.alarm).toBeNull();
  expect((await d.delivered("alerts")).join("\n")).toMatch(
    /Stand down: Ada Okafor confirmed the staff on home visit .* are safe \(they are back at school\)/,
  );
  // The form is asked for at once, and goes to the records channel.
  expect(last(await d.delivered({ dm: "requester" }))).toMatch(/Please complete the Home Visit Form[\s\S]*\[Complete the form\]/);
  const record = await d.submitRecord("requester", visit.id, { ...COMPLETE_RECORD, incident: "Code word used at the door" });
  expect(record.saved).toBe(true);
  expect((await d.visit(visit.id)).status).toBe("closed");
  expect((await d.delivered("records")).join("\n")).toContain("Code word used at the door");
  await expectNoPupilDetailsInVisits(d, visit.id, input);
}

/**
 * Regression guard (fixed 2026-11-22, kept through the alarm's move out of the lifecycle): after
 * the code word every reply word is answered as it would be without it, never with text that
 * names an alarm, on the phone of whoever typed it or in the thread for the whole visits channel.
 */
export async function replyWordsAfterCodeWordLookOrdinary(d: ChatDriver, input: ScenarioInput): Promise<void> {
  const visit = await d.requestVisit(input.validRequest);
  await d.press("dsl", "visit_approve", visit.id);
  await d.reply("requester", visit.id, "leaving");
  await d.advance(5);
  await d.reply("second", visit.id, input.codeWord);
  expect((await d.visit(visit.id)).progress.alarm?.kind).toBe("code_word");
  for (const word of ["arrived", "in", "delay 10", "left", "back"]) {
    const told = (await d.reply("second", visit.id, word)).join("\n");
    const thread = last(await d.delivered("thread", visit.id));
    expect(`${told}\n${thread}`).not.toMatch(/emergency|alert|alarm/i);
  }
  // The words moved the visit on as they would have without the code word; the alarm is still out.
  expect((await d.visit(visit.id)).status).toBe("returned");
  expect((await d.visit(visit.id)).progress.alarm?.kind).toBe("code_word");
}

/** Whatever the pair type and whatever the ladder does, the visits channel sees initials only. */
export async function pupilStaysOutOfVisitsChannel(d: ChatDriver, input: ScenarioInput): Promise<void> {
  const visit = await d.requestVisit(input.validRequest);
  await d.press("dsl", "visit_approve", visit.id);
  await d.reply("requester", visit.id, "leaving");
  await d.reply("requester", visit.id, "help");
  await d.advance(19); // the check-in prompt
  await d.reply("requester", visit.id, "arrived");
  await d.reply("second", visit.id, "in");
  await d.reply("office", visit.id, "in"); // refused: not on the visit
  await d.advance(26); // missed: the ladder starts
  await d.press("second", "checkin_ok", visit.id);
  await d.reply("requester", visit.id, "delay 10");
  await d.reply("requester", visit.id, "left");
  await d.reply("requester", visit.id, "back");
  expect((await d.visit(visit.id)).status).toBe("returned");
  expect((await d.delivered("thread", visit.id)).length).toBeGreaterThan(6);
  await expectNoPupilDetailsInVisits(d, visit.id, input);
}

/** Neither the pupil's full name nor any part of the address has reached the visits channel or the thread. */
export async function expectNoPupilDetailsInVisits(d: ChatDriver, visitId: string, input: ScenarioInput): Promise<void> {
  const name = String(input.validRequest.pupil_name);
  const address = String(input.validRequest.address);
  const addressParts = address.split(/,\s*/).filter((part) => part.length > 3);
  const sent = [...(await d.sentTo("visits")), ...(await d.sentTo("thread", visitId))];
  expect(sent.length).toBeGreaterThan(0);
  for (const content of sent) {
    expect(content).not.toContain(name);
    expect(content).not.toContain(address);
    for (const part of addressParts) expect(content).not.toContain(part);
  }
}
