import { expect } from "vitest";
import type { ChatDriver } from "./chat-driver.js";
import { PUPIL, validRequestValues } from "./visit-request.js";

/**
 * Heather Avenue's Reception induction round, three homes in one outing, run under the school's own
 * policy (policies/heather-avenue-infant.yaml: check-ins every 20 minutes with 5 minutes' grace, a
 * 20-minute doorstep wait, the office after 5 minutes, the police step 10 minutes later, the plan
 * to the headteacher and the office). Written against ChatDriver, so it runs in Slack and Teams.
 * The clock starts at 10:00 on Tuesday 24 November 2026 (GMT).
 */
const SAM = { name: "Sam Jones", address: "4 Elm Road, Leeds LS1 2CD", initials: "S.J." };
const PRIYA = { name: "Priya Shah", address: "9 Birch Close, Leeds LS2 3EF", initials: "P.S." };
const FURTHER_STOPS = `11:10, ${SAM.name}, ${SAM.address}\n12:00, ${PRIYA.name}, ${PRIYA.address}`;

const RECORD = {
  present: "Mother and grandmother",
  child_seen: "yes",
  safe_and_well: "yes",
  discussed: "Starting in Reception: the first week, lunches, the uniform",
} as const;

const last = (texts: readonly string[]) => texts.at(-1) ?? "";
const about = (texts: readonly string[], id: string) => texts.filter((text) => text.includes(id));

export async function dayOfVisits(d: ChatDriver): Promise<void> {
  const values = validRequestValues({
    purpose: "reception_induction",
    duration: 120,
    expected_return: "2026-11-24T12:30:00.000Z",
    further_stops: FURTHER_STOPS,
  });

  // A bad line is named by its number, under the field, and nothing is saved.
  const refused = await d.submitRequest({ ...values, further_stops: `${FURTHER_STOPS}\nquarter past, Ann Lee, 1 Oak St LS3` });
  expect(refused.visit).toBeUndefined();
  expect(refused.errors.further_stops).toMatch(/^Line 3: start with the time as HH:MM/);

  const visit = await d.requestVisit(values);
  expect(visit.request.stops.map((s) => s.time)).toEqual(["11:10", "12:00"]);

  // The approval card (the need-to-know approvals channel) shows the whole plan.
  const [card] = (await d.shown("approvals")).filter((m) => m.text.includes(visit.id));
  for (const part of [PUPIL.name, PUPIL.address, "10:30", SAM.name, SAM.address, "11:10", PRIYA.name, PRIYA.address, "12:00"])
    expect(card?.text).toContain(part);

  // The headteacher approves; the head and the office are each sent the plan, as the policy asks.
  expect((await d.press("head", "visit_approve", visit.id)).accepted).toBe(true);
  for (const who of ["office", "head"] as const) {
    const plan = about(await d.delivered({ dm: who }), visit.id).find((text) => /the day's plan|3 homes on/.test(text));
    expect(plan, `plan sent to ${who}`).toBeDefined();
    for (const part of [PUPIL.address, SAM.name, SAM.address, PRIYA.name, PRIYA.address, "07700900105", "AB12 CDE"])
      expect(plan).toContain(part);
  }
  // Someone not on the list (the DSL) is not sent it.
  expect(about(await d.delivered({ dm: "dsl" }), visit.id).join("\n")).not.toContain(SAM.address);

  // The thread says there are three homes, by initials only.
  await d.advance(30); // 10:30
  expect(about(await d.delivered("visits"), visit.id).join("\n")).toMatch(
    /3 homes today: 1\) 10:30 J\.L\.S\., 2\) 11:10 S\.J\., 3\) 12:00 P\.S\./,
  );
  await d.reply("requester", visit.id, "leaving");

  // Stop 1: nobody answers; Heather Avenue's 20-minute wait ends, and the pair are told to move on, not that the day is cancelled.
  await d.advance(10); // 10:40
  await d.reply("requester", visit.id, "arrived");
  await d.reply("second", visit.id, "no answer");
  expect(last(await d.delivered("thread", visit.id))).toMatch(/Keep trying until 11:00/);
  await d.advance(19); // 10:59
  expect((await d.visit(visit.id)).status).toBe("at_address");
  await d.advance(1); // 11:00
  const timedOut = await d.visit(visit.id);
  expect(timedOut.status).toBe("left_address");
  expect(timedOut.progress.stopLogs?.[0]?.noAnswer).toBe(true);
  expect(last(await d.delivered("thread", visit.id))).toMatch(
    /Time is up at stop 1 of 3 \(J\.L\.S\.\): please leave now \(nobody answered\)\. Reply next when you set off for stop 2\./,
  );

  // next: on to stop 2, and the check-ins start again from now.
  await d.reply("requester", visit.id, "next stop");
  expect(last(await d.delivered("thread", visit.id))).toMatch(/On to stop 2 of 3 \(planned 11:10\)\..*next check-in by 11:20/);
  await d.advance(12); // 11:12
  await d.reply("requester", visit.id, "arrived");
  await d.reply("requester", visit.id, "in");
  expect((await d.visit(visit.id)).status).toBe("in_home");

  // A missed check-in at stop 2 (due 11:32, 5 minutes' grace) climbs Heather Avenue's ladder, about stop 2.
  await d.advance(25); // 11:37: the pair are asked
  expect(last(await d.delivered({ dm: "requester" }))).toMatch(/You missed a check-in/);
  await d.advance(5); // 11:42: the office calls
  const office = last(about(await d.delivered({ dm: "office" }), visit.id));
  expect(office).toMatch(/missed a check-in/);
  expect(office).toContain(SAM.address);
  expect(office).not.toContain(PUPIL.address);
  await d.advance(10); // 11:52: the emergency pack, with where they are now
  const pack = last(about(await d.delivered("alerts"), visit.id));
  expect(pack).toMatch(/EMERGENCY: staff missed a check-in/);
  expect(pack).toContain(`inside ${SAM.address}`);
  expect(pack).toMatch(/2 of 3/);
  expect(pack).toContain(SAM.name);

  // Erin checks in; everyone stands down.
  await d.reply("requester", visit.id, "ok");
  expect((await d.visit(visit.id)).progress.ladder).toBeNull();
  expect(about(await d.delivered({ dm: "office" }), visit.id).join("\n")).toMatch(/Stand down: Erin Walsh checked in/);

  // Back with stop 3 not visited: recorded as skipped, and said so.
  await d.advance(3); // 11:55
  await d.reply("requester", visit.id, "left");
  await d.advance(15); // 12:10
  await d.reply("requester", visit.id, "back");
  expect(last(await d.delivered("thread", visit.id))).toMatch(
    /Welcome back\. Stop 3 was not visited: recorded as skipped\. Please complete the Home Visit Form for each of the 2 homes/,
  );
  const back = await d.visit(visit.id);
  expect(back.status).toBe("returned");
  expect(back.progress.stopLogs?.map((log) => !!log?.skipped)).toEqual([false, false, true]);

  // One form per home reached, each naming its stop.
  const asked = about(await d.delivered({ dm: "requester" }), visit.id).filter((t) =>
    /Please complete the Home Visit Form/.test(t),
  );
  expect(asked).toHaveLength(2);
  expect(asked[0]).toMatch(/stop 1 of 3 \(J\.L\.S\.\)[\s\S]*\[Form for stop 1\]/);
  expect(asked[1]).toMatch(/stop 2 of 3 \(S\.J\.\)[\s\S]*\[Form for stop 2\]/);

  const first = await d.submitRecord("requester", `${visit.id}/1`, { ...RECORD, child_seen: "no", present: "Nobody answered" });
  expect(first.saved).toBe(true);
  expect((await d.visit(visit.id)).status).toBe("returned");
  expect(last(await d.delivered("thread", visit.id))).toMatch(/Record completed for stop 1\. Still to do: stop 2\./);
  const second = await d.submitRecord("requester", `${visit.id}/2`, RECORD);
  expect(second.saved).toBe(true);
  const closed = await d.visit(visit.id);
  expect(closed.status).toBe("closed");
  expect(closed.progress.recordedStops).toEqual([1, 2]);

  // The records channel has each home's form, with that home's pupil and address.
  const records = about(await d.delivered("records"), visit.id);
  expect(records).toHaveLength(2);
  expect(records[0]).toContain(PUPIL.name);
  expect(records[0]).toContain(PUPIL.address);
  expect(records[0]).toMatch(/stop 1/);
  expect(records[1]).toContain(SAM.name);
  expect(records[1]).toContain(SAM.address);
  expect(records[1]).not.toContain(PUPIL.name);

  // Stop 3 was not visited: it has no form.
  const none = await d.submitRecord("requester", `${visit.id}/3`, RECORD);
  expect(none.saved).toBe(false);

  // Nothing about any of the three children ever reached the visits channel or the thread.
  const general = [...(await d.sentTo("visits")), ...(await d.sentTo("thread", visit.id))].join("\n");
  for (const secret of [PUPIL.name, PUPIL.address, SAM.name, SAM.address, PRIYA.name, PRIYA.address, "Elm Road", "Birch"])
    expect(general).not.toContain(secret);
}
