import { expect } from "vitest";
import type { ChatDriver, RequestValues } from "./chat-driver.js";

/**
 * Behaviour every chat platform must share, written against ChatDriver only: the Teams tests run
 * these today, and a Slack driver could run the same functions.
 */
export interface ScenarioInput {
  validRequest: RequestValues;
  codeWord: string;
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

/** Someone who is not an approver presses Approve, Decline or Conditions: refused, nothing changes. */
export async function nonApproverCannotDecide(d: ChatDriver, input: ScenarioInput): Promise<void> {
  const visit = await d.requestVisit(input.validRequest);
  const approvalsBefore = (await d.delivered("approvals")).length;
  for (const action of ["visit_approve", "visit_decline", "visit_conditions"]) {
    const press = await d.press("office", action, visit.id, { reason: "no", require_pair: "true" });
    expect(press.accepted).toBe(false);
    expect(press.text).toMatch(/Only .* can approve home visits/);
  }
  const stranger = await d.press("stranger", "visit_approve", visit.id);
  expect(stranger.accepted).toBe(false);
  expect(stranger.text).toMatch(/not in this school's homevisit staff directory/);
  expect((await d.visit(visit.id)).status).toBe("requested");
  expect((await d.delivered("approvals")).length).toBe(approvalsBefore);
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
 * The code word: the thread shows an ordinary check-in answer, the word itself appears nowhere,
 * and the emergency pack goes to the alerts channel.
 */
export async function codeWordRaisesSilentAlarm(d: ChatDriver, input: ScenarioInput): Promise<void> {
  const visit = await d.requestVisit(input.validRequest);
  await d.press("dsl", "visit_approve", visit.id);
  await d.reply("requester", visit.id, "leaving");
  await d.advance(12);
  const toldAtOnce = await d.reply("second", visit.id, input.codeWord.toUpperCase());
  expect(toldAtOnce).toEqual([]);
  expect((await d.visit(visit.id)).status).toBe("emergency");
  const thread = await d.delivered("thread", visit.id);
  const last = thread.at(-1) ?? "";
  expect(last).toMatch(/Checked in/i);
  expect(last).not.toMatch(/emergency|alert|code/i);
  const alerts = (await d.delivered("alerts")).join("\n");
  expect(alerts).toMatch(/CODE WORD used by Filip Nowak/);
  expect(alerts).toContain("Filip Nowak: 07700900106"); // the emergency pack: mobiles, address, vehicle
  expect(alerts).toContain("AB12 CDE");
  for (const place of ["thread", "visits", "approvals", "alerts"] as const)
    expect((await d.delivered(place, visit.id)).join("\n").toLowerCase()).not.toContain(input.codeWord.toLowerCase());
}
