import { expect } from "vitest";
import type { Visit } from "../../../src/domain/visit.js";
import type { ChatDriver, RequestValues } from "./chat-driver.js";
import { CODE_WORD, validRequestValues } from "./visit-request.js";

/**
 * The safety promises, as a person on a doorstep or a DSL between meetings meets them, written
 * against ChatDriver only: safety-scenarios.test.ts runs each in Slack and in Teams, through the
 * platform's own inbound HTTP. The school is schools/demo.yaml under policies/default.yaml; the
 * clock starts at 10:00 on a school day and the visit is planned for 10:30–11:30.
 */
const last = (texts: readonly string[]) => texts.at(-1) ?? "";
const about = (texts: readonly string[], visitId: string) => texts.filter((text) => text.includes(visitId));
const BUTTONS = /\[I'm calling them\]|\[Staff are safe\]/;

async function approved(d: ChatDriver, values: RequestValues = {}, approver: "dsl" | "deputy" = "dsl"): Promise<Visit> {
  const visit = await d.requestVisit(validRequestValues(values));
  const decision = await d.press(approver, "visit_approve", visit.id);
  expect(decision.accepted).toBe(true);
  return visit;
}

async function underWay(d: ChatDriver, values: RequestValues = {}): Promise<Visit> {
  const visit = await approved(d, values);
  await d.reply("requester", visit.id, "leaving");
  expect((await d.visit(visit.id)).status).toBe("under_way");
  return visit;
}

/** An approved visit nobody starts: the pair are asked, then the office, then the approver; then the ladder. */
export async function notStartedIsWatched(d: ChatDriver): Promise<void> {
  const visit = await approved(d);
  await d.advance(44); // 10:44
  expect((await d.delivered("thread", visit.id)).join("\n")).not.toMatch(/Have you set off/);
  await d.advance(1); // 10:45: the planned start (10:30) plus the policy's 15 minutes' grace
  expect(last(await d.delivered("thread", visit.id))).toMatch(/was due to set off at 10:30\. Have you set off\?/);
  for (const who of ["requester", "second"] as const) expect(last(await d.delivered({ dm: who }))).toMatch(/Have you set off/);
  expect(about(await d.delivered({ dm: "office" }), visit.id)).toEqual([]);

  await d.advance(10); // 10:55: nobody answered; the office is told
  expect(last(await d.delivered({ dm: "office" }))).toMatch(/have not said they set off \(asked at 10:45\)/);
  expect(about(await d.delivered({ dm: "dsl" }), visit.id).join("\n")).not.toMatch(/not said they set off/);
  await d.advance(10); // 11:05: then the approver
  expect(last(await d.delivered({ dm: "dsl" }))).toMatch(/have not said they set off/);

  // By the expected return (11:30) plus 15 minutes the ordinary ladder runs: it never just waits.
  await d.advance(39); // 11:44
  expect((await d.visit(visit.id)).progress.ladder ?? null).toBeNull();
  await d.advance(1); // 11:45
  expect(last(await d.delivered({ dm: "requester" }))).toMatch(/You have not said you set off, and are now overdue/);
  await d.advance(5); // 11:50
  expect(last(await d.delivered({ dm: "office" }))).toMatch(/never said they set off, and are now overdue[\s\S]*Call both/);

  // They had set off and forgot to say: "in" from the doorstep counts, and the ladder stands down.
  expect(await d.reply("requester", visit.id, "in")).toEqual([]);
  const inside = await d.visit(visit.id);
  expect(inside.status).toBe("in_home");
  expect(inside.progress.ladder).toBeNull();
  expect((await d.delivered({ dm: "office" })).join("\n")).toMatch(/Stand down: Erin Walsh checked in/);
}

/** The code word raises the alarm however it is typed, in every state where the staff may be out. */
export async function codeWordAsTypedInEveryStatus(d: ChatDriver): Promise<void> {
  const cases: { typed: string; to: (visit: Visit) => Promise<unknown>; status: string }[] = [
    { typed: "Pineapple!", to: async () => {}, status: "approved" },
    { typed: "ok pineapple", to: () => Promise.resolve(), status: "under_way" },
    { typed: "*pineapple*", to: (v) => d.reply("requester", v.id, "arrived"), status: "at_address" },
    { typed: "_pineapple_", to: (v) => d.reply("requester", v.id, "in"), status: "in_home" },
    { typed: "pineapple 👍", to: (v) => d.reply("requester", v.id, "left"), status: "left_address" },
    { typed: "pine\u200bapple.", to: (v) => d.reply("requester", v.id, "back"), status: "returned" },
  ];
  for (const { typed, to, status } of cases) {
    const visit = status === "approved" ? await approved(d) : await underWay(d);
    await to(visit);
    expect((await d.visit(visit.id)).status).toBe(status);
    const answered = await d.reply("second", visit.id, typed);
    expect(answered).toEqual([]);
    const after = await d.visit(visit.id);
    expect({ status, alarm: after.progress.alarm?.kind }).toEqual({ status, alarm: "code_word" });
    expect(after.status).toBe(status === "approved" ? "under_way" : status);
    expect(about(await d.delivered("alerts"), visit.id).join("\n")).toMatch(/CODE WORD used by Filip Nowak/);
    // What the pair see never speaks of it.
    expect(last(await d.delivered("thread", visit.id))).not.toMatch(/alarm|alert|emergency|code word/i);
  }
}

/** Cancelled at the door, still out: the code word (with a right-to-left mark) still raises the alarm. */
export async function codeWordAfterDoorstepTimeout(d: ChatDriver): Promise<void> {
  const visit = await underWay(d);
  await d.reply("requester", visit.id, "no answer");
  await d.advance(20); // the doorstep wait ends: cancelled, parents not present
  const cancelled = await d.visit(visit.id);
  expect(cancelled.status).toBe("cancelled");
  await d.reply("requester", visit.id, `\u200f${CODE_WORD}`);
  expect((await d.visit(visit.id)).progress.alarm?.kind).toBe("code_word");
  // The alert is one someone can act on: it has its buttons, and Staff are safe works.
  const [pack] = about(await d.delivered("alerts"), visit.id);
  expect(pack).toMatch(BUTTONS);
  const safe = await d.press("office", "escalation_safe", visit.id, { how: "phone" });
  expect(safe.accepted).toBe(true);
  expect((await d.visit(visit.id)).progress.alarm).toBeNull();
}

/** The same in a direct message to the bot, and answered there as a check-in would be. */
export async function codeWordByDirectMessage(d: ChatDriver): Promise<void> {
  const visit = await underWay(d);
  await d.advance(3);
  const answer = await d.directMessage("requester", `Ok ${CODE_WORD.toUpperCase()}.`);
  expect(answer).toEqual([expect.stringMatching(/^Thanks, checked in at 10:03\. Next check-in by 10:23\.$/)]);
  expect((await d.visit(visit.id)).progress.alarm?.kind).toBe("code_word");
  expect(about(await d.delivered("alerts"), visit.id).join("\n")).toMatch(/CODE WORD used by Erin Walsh/);
}

/** The alarm repeats until someone off the visit takes it; a taken alarm comes back; Staff are safe ends it everywhere. */
export async function alarmRepeatsUntilTaken(d: ChatDriver): Promise<void> {
  const visit = await underWay(d);
  await d.advance(5); // 10:05
  await d.reply("second", visit.id, CODE_WORD);
  const alerts = async () => about(await d.delivered("alerts"), visit.id).filter((text) => /CODE WORD/.test(text));
  expect(await alerts()).toHaveLength(1);
  await d.advance(4); // 10:09
  expect(await alerts()).toHaveLength(1);
  await d.advance(1); // 10:10: repeatMinutes (5) and nobody has taken it
  expect(last(await alerts())).toMatch(/alert 2: nobody has taken it yet/);

  const taken = await d.press("office", "escalation_ack", visit.id);
  expect(taken.accepted).toBe(true);
  // Every card already sent says who took it, with only the stand-down button left.
  for (const card of (await d.shown("alerts")).filter((m) => m.text.includes(visit.id) && m.edits > 0)) {
    expect(card.text).toMatch(/Taken by Dev Shah at 10:10/);
    expect(card.text).not.toMatch(/\[I'm calling them\]/);
  }
  await d.advance(9); // 10:19: paused (acknowledgePauseMinutes 10)
  expect(await alerts()).toHaveLength(2);
  await d.advance(1); // 10:20: a stale acknowledgement re-alerts
  expect(await alerts()).toHaveLength(3);

  const safe = await d.press("dsl", "escalation_safe", visit.id, { how: "phone" });
  expect(safe.accepted).toBe(true);
  expect((await d.visit(visit.id)).progress.alarm).toBeNull();
  expect((await d.delivered("alerts")).join("\n")).toMatch(
    /Stand down: Ada Okafor confirmed the staff .* are safe \(spoke to them on the phone\)/,
  );
  // No live button is left behind on any card the alarm sent.
  for (const card of (await d.shown("alerts")).filter((m) => m.text.includes(visit.id))) expect(card.text).not.toMatch(BUTTONS);
  await d.advance(30);
  expect(await alerts()).toHaveLength(3);
}

/** A DSL who is on the visit cannot take or end its alarm, and neither can the other member of the pair. */
export async function pairCannotStandDown(d: ChatDriver): Promise<void> {
  const visit = await d.requestVisit(validRequestValues({ second_staff: "a.okafor" }));
  // Ada is on it, so she may not approve it: Ben does.
  const own = await d.press("dsl", "visit_approve", visit.id);
  expect(own.accepted).toBe(false);
  expect(own.text).toMatch(/Another approver must decide: you are on this visit/);
  expect((await d.press("deputy", "visit_approve", visit.id)).accepted).toBe(true);
  await d.reply("requester", visit.id, "leaving");
  await d.reply("requester", visit.id, CODE_WORD);
  expect((await d.visit(visit.id)).progress.alarm?.kind).toBe("code_word");
  // The alert never reached Ada's own phone…
  expect((await d.delivered({ dm: "dsl" })).join("\n")).not.toMatch(/CODE WORD/);
  // …and pressing the alerts channel's buttons, she is refused: someone at school must take it.
  for (const action of ["escalation_ack", "escalation_safe"]) {
    const pressed = await d.press("dsl", action, visit.id, { how: "in_person" });
    expect(pressed.accepted).toBe(false);
    expect(pressed.text).toMatch(/You are on this visit, so someone back at school must take this alert/);
  }
  expect((await d.visit(visit.id)).progress.alarm?.acknowledged ?? null).toBeNull();
  expect((await d.visit(visit.id)).progress.alarm?.kind).toBe("code_word");
}

/** Nothing the pair can ask shows a silent alarm; the office's list shows it first. */
export async function statusStaysSilent(d: ChatDriver): Promise<void> {
  const visit = await underWay(d);
  await d.reply("second", visit.id, CODE_WORD);
  for (const who of ["requester", "second"] as const) {
    const status = await d.command(who, "status");
    expect(status).toContain(visit.id);
    expect(status).toMatch(/next check-in by/);
    expect(status).not.toMatch(/alarm|alert|emergency|code word/i);
  }
  const list = await d.command("office", "list");
  expect(list).toMatch(new RegExp(`${visit.id}[^\\n]*ALARM \\(code word\\): NOT YET TAKEN`));
}

/** What the pair type that homevisit cannot read is answered, and a person reads it; "help me" is an open alarm. */
export async function everyMessageGetsAnAnswer(d: ChatDriver): Promise<void> {
  const visit = await underWay(d);
  for (const typed of ["ok thanks", "Ok.", "k", "O K", "🆗", "👍", "ｏｋ", "all fine here", "o\u200dk"]) {
    await d.reply("requester", visit.id, typed);
    expect({ typed, answer: last(await d.delivered("thread", visit.id)) }).toEqual({
      typed,
      answer: expect.stringMatching(/^Thanks, checked in at/),
    });
  }
  await d.reply("requester", visit.id, "dog is loose, waiting in the car");
  expect(last(await d.delivered("thread", visit.id))).toMatch(
    /I did not read that as a check-in, so I have passed it to the office/,
  );
  expect(last(await d.delivered({ dm: "office" }))).toMatch(
    /Erin Walsh wrote on home visit .*"dog is loose, waiting in the car"/,
  );

  // help alone shows the words; "help me" raises the alarm at once, out loud.
  await d.reply("second", visit.id, "help");
  expect(last(await d.delivered("thread", visit.id))).toMatch(/help me: an alarm everyone sees/);
  expect((await d.visit(visit.id)).progress.alarm ?? null).toBeNull();
  await d.reply("second", visit.id, "Help me!");
  expect(last(await d.delivered("thread", visit.id))).toMatch(
    /Alarm raised: the office and the school's leaders are being told now/,
  );
  expect((await d.visit(visit.id)).progress.alarm?.kind).toBe("help");
  expect(about(await d.delivered("alerts"), visit.id).join("\n")).toMatch(/HELP asked for by Filip Nowak/);

  // help in a direct message, while the visit runs, is answered there and not in the thread.
  const threadBefore = (await d.delivered("thread", visit.id)).length;
  const help = await d.directMessage("requester", "help");
  expect(help.join("\n")).toMatch(/leaving: you are setting off/);
  expect((await d.delivered("thread", visit.id)).length).toBe(threadBefore);
  // "back at school" is back.
  await d.reply("requester", visit.id, "back at school");
  expect((await d.visit(visit.id)).status).toBe("returned");
}

/** A reply in a thread homevisit has no record of (its opener still being posted, or a second thread) still counts. */
export async function replyInStrayThreadCounts(d: ChatDriver): Promise<void> {
  const visit = await approved(d);
  await d.replyInStrayThread("requester", "leaving");
  expect((await d.visit(visit.id)).status).toBe("under_way");
  expect(last(await d.delivered("thread", visit.id))).toMatch(/^On your way\. Check in by/);
  await d.advance(5);
  await d.replyInStrayThread("second", "ok");
  expect((await d.visit(visit.id)).progress.lastCheckIn?.by).toBe("f.nowak");
}

/** One person's chat failing never holds the ladder back: two minutes, then the office and DSL hear who was not reached. */
export async function stuckRecipientDoesNotHoldTheLadder(d: ChatDriver): Promise<void> {
  d.breakDirectMessages("office");
  const visit = await underWay(d);
  await d.advance(25); // 10:25 missed: the pair are re-prompted
  await d.advance(5); // 10:30 the office is asked to call: its message fails
  await d.advance(1); // 10:31: still waiting for it
  expect((await d.delivered({ dm: "dsl" })).join("\n")).not.toMatch(/could not reach/);
  await d.advance(1); // 10:32: two minutes
  expect(last(await d.delivered({ dm: "dsl" }))).toMatch(/could not reach Dev Shah \(07700 900104\)/);
  expect(last(await d.delivered("alerts"))).toMatch(/could not reach Dev Shah/);
  await d.advance(8); // 10:40: the leaders' step comes at its own time
  expect(last(await d.delivered({ dm: "head" }))).toMatch(/The office has not reached the visiting staff/);
  expect((await d.visit(visit.id)).progress.ladder?.stepIndex).toBe(2);
}

/** Cancelling needs a reason, tells the office and updates the card; staff still out stop checking in. */
export async function cancellationTellsAndStopsCheckIns(d: ChatDriver): Promise<void> {
  const planned = await approved(d);
  expect(await d.command("requester", `cancel ${planned.id}`)).toMatch(/Give a reason/);
  expect((await d.visit(planned.id)).status).toBe("approved");
  expect(await d.command("requester", `cancel ${planned.id} parents asked to rearrange`)).toMatch(
    /is cancelled: parents asked to rearrange/,
  );
  expect(about(await d.delivered({ dm: "office" }), planned.id).join("\n")).toMatch(
    /was cancelled by Erin Walsh: parents asked to rearrange/,
  );
  const card = (await d.shown("approvals")).find((m) => m.text.includes(planned.id));
  expect(card?.text).toMatch(/Cancelled.* by Erin Walsh, .*: parents asked to rearrange/);

  const running = await underWay(d);
  await d.reply("requester", running.id, "arrived");
  expect(await d.command("dsl", `cancel ${running.id} dog not secured`)).toMatch(/is cancelled/);
  expect(last(await d.delivered({ dm: "second" }))).toMatch(/Check-ins have stopped: reply back when you are safely at school/);
  // No check-in prompt and no missed check-in for staff whose visit was cancelled…
  await d.advance(27);
  expect((await d.delivered({ dm: "requester" })).join("\n")).not.toMatch(/missed a check-in/);
  expect((await d.delivered("thread", running.id)).join("\n")).not.toMatch(/Check-in due/);
  // …and "back" ends it, with the form asked for.
  await d.reply("second", running.id, "back");
  expect(last(await d.delivered({ dm: "requester" }))).toMatch(/Home Visit Form/);
}

/** `leaving` typed under the opener the moment it appears, while the platform is still answering its post. */
export async function leavingBeforeTheThreadIsKnown(d: ChatDriver): Promise<void> {
  const visit = await d.requestVisit();
  await d.approveAndReplyBeforeThreadKnown("dsl", visit.id, "requester", "leaving");
  const after = await d.visit(visit.id);
  expect(after.status).toBe("under_way");
  expect(last(await d.delivered("thread", visit.id))).toMatch(/set off|on your way|leaving/i);
  // Watched from then on: the first check-in is asked for when it falls due.
  await d.advance(after.policy.checkIns.intervalMinutes + 1);
  expect(last(await d.delivered("thread", visit.id))).toMatch(/check-in due/i);
}

/**
 * In a hurry, one of the pair types the code word under someone else's visit, or in a thread
 * homevisit has no record of while they have two visits today: it counts on their own visit.
 */
export async function codeWordInTheWrongThread(d: ChatDriver): Promise<void> {
  const mine = await underWay(d);
  const later = await approved(d, {
    planned_start: "2026-11-24T13:30:00.000Z",
    expected_return: "2026-11-24T14:30:00.000Z",
    pupil_name: "Alex Rowe",
    code_word: "lighthouse",
  });
  const theirs = await d.requestVisit(
    validRequestValues({ second_staff: "d.shah", second_mobile: "07700 900104", pupil_name: "Sam Rowe" }),
    "head",
  );
  expect((await d.press("dsl", "visit_approve", theirs.id)).accepted).toBe(true);

  await d.reply("requester", theirs.id, `${CODE_WORD}.`);
  expect((await d.visit(mine.id)).progress.alarm?.kind).toBe("code_word");
  expect((await d.visit(theirs.id)).progress.alarm ?? null).toBeNull();
  expect(about(await d.delivered("alerts"), mine.id).join("\n")).toMatch(/CODE WORD used by Erin Walsh/);
  expect((await d.sentTo("thread", theirs.id)).join("\n")).not.toMatch(/code word|alarm|police/i);

  await d.replyInStrayThread("requester", "Lighthouse!");
  expect((await d.visit(later.id)).progress.alarm?.kind).toBe("code_word");
  expect(about(await d.delivered("alerts"), later.id).join("\n")).toMatch(/CODE WORD used by Erin Walsh/);
}
