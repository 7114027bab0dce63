import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Visit } from "../../../src/domain/visit.js";
import { CHANNELS, CODE_WORD, PEOPLE, PUPIL, type SlackHarness, startSlackHarness } from "./support/slack-harness.js";

// A fresh app and database per test: each test moves the clock and ticks, and another visit's
// timers must not fire in it.
let h: SlackHarness;
beforeEach(async () => {
  h = await startSlackHarness();
});
afterEach(async () => {
  await h?.close();
});

async function visitUnderWay(): Promise<Visit> {
  const visit = await h.requestVisit();
  await h.approve(visit.id);
  const started = await h.reply(PEOPLE.requester, visit.id, "leaving");
  expect(started.status).toBe("under_way");
  return started;
}

async function lastThreadText(visitId: string): Promise<string> {
  const thread = await h.threadTs(visitId);
  const replies = h.stub.calls.filter((c) => c.method === "chat.postMessage" && c.params.thread_ts === thread);
  return String(replies.at(-1)?.params.text ?? "");
}

const dmsTo = (...users: string[]) => h.stub.callsTo("chat.postMessage").filter((c) => users.includes(String(c.params.channel)));

describe("the safety ladder in Slack", () => {
  it("prompts in the thread before a check-in is due, and re-prompts the pair by DM once it is missed", async () => {
    const visit = await visitUnderWay();
    // Due 10:20; the prompt comes two minutes before.
    h.app.clock.advanceMinutes(18);
    await h.app.tick();
    expect(await lastThreadText(visit.id)).toMatch(/Check-in due by 10:20/);
    h.stub.reset();

    // Missed at 10:25 (interval 20 + grace 5): the ladder's first step asks the pair directly.
    h.app.clock.advanceMinutes(7);
    await h.app.tick();
    const dms = dmsTo(PEOPLE.requester, PEOPLE.second);
    expect(dms.map((c) => c.params.channel).sort()).toEqual([PEOPLE.requester, PEOPLE.second].sort());
    for (const dm of dms) {
      expect(dm.content).toMatch(/You missed a check-in on home visit/);
      expect(dm.content).toContain('"action_id":"checkin_ok"');
      expect(dm.content).not.toContain(PUPIL.address);
    }

    // The button in the DM checks in and stops the ladder.
    await h.slack.click(PEOPLE.second, "checkin_ok", visit.id, { channel: "D0STAF006" });
    await h.settle();
    const after = await h.visit(visit.id);
    expect(after.progress.ladder).toBeNull();
    expect(after.progress.lastCheckIn?.by).toBe("f.nowak");
  });

  it("the code word gets an ordinary-looking reply in the thread and an emergency pack in the alerts channel", async () => {
    const visit = await visitUnderWay();
    h.app.clock.advanceMinutes(12);
    await h.reply(PEOPLE.requester, visit.id, "ok");
    const ordinary = (await lastThreadText(visit.id)).replace(/\d\d:\d\d/g, "HH:MM");
    h.app.clock.advanceMinutes(3);
    h.stub.reset();

    const raised = await h.reply(PEOPLE.second, visit.id, `  ${CODE_WORD.toUpperCase()} `);
    expect(raised.status).toBe("under_way");
    expect(raised.progress.alarm).toMatchObject({ kind: "code_word", raisedBy: "f.nowak" });
    // The thread sees what any check-in looks like…
    expect((await lastThreadText(visit.id)).replace(/\d\d:\d\d/g, "HH:MM")).toBe(ordinary);
    // …while the alerts channel gets everything the police would ask for.
    const pack = h.stub.callsTo("chat.postMessage").find((c) => c.params.channel === CHANNELS.alerts);
    expect(pack?.content).toMatch(/CODE WORD used by Filip Nowak/);
    expect(pack?.content).toContain(PUPIL.address);
    expect(pack?.content).toContain("AB12 CDE");
    expect(pack?.content).toContain("07700900106");
    expect(pack?.content).toContain('"action_id":"escalation_ack"');
    expect(pack?.content).toContain('"action_id":"escalation_safe"');
    // Leaders and the office are told directly too.
    expect(h.stub.callsTo("chat.postMessage").map((c) => c.params.channel)).toEqual(
      expect.arrayContaining([PEOPLE.dsl, PEOPLE.head, PEOPLE.office]),
    );
    // The code word itself goes nowhere: not to Slack, not ephemerally, not into the audit.
    for (const call of h.stub.calls) expect(call.content.toLowerCase()).not.toContain(CODE_WORD);
    expect(h.stub.callsTo("chat.postEphemeral")).toHaveLength(0);
    expect(JSON.stringify(await h.app.ctx.store.listAudit(visit.id)).toLowerCase()).not.toContain(CODE_WORD);

    // A leader reaches them and stands the alarm down from the pack's button, saying how she knows.
    h.stub.reset();
    await h.slack.click(PEOPLE.dsl, "escalation_safe", visit.id, { channel: CHANNELS.alerts, triggerId: "trigger-safe" });
    const open = await h.stub.waitFor((c) => c.method === "views.open" && c.params.trigger_id === "trigger-safe");
    const view = open.params.view as Record<string, unknown>;
    expect(view.callback_id).toBe("escalation_safe_submit");
    const submitted = await h.slack.submitView(PEOPLE.dsl, view, { how: "back_at_school" });
    expect(submitted.text).toBe("");
    await h.settle();
    expect((await h.visit(visit.id)).status).toBe("returned");
    expect((await h.visit(visit.id)).progress.alarm).toBeNull();
    // Every card the alarm sent is updated in place: no live button is left behind.
    const updates = h.stub.callsTo("chat.update");
    expect(updates.length).toBeGreaterThanOrEqual(4); // alerts, and the DSL's, head's and office's DMs
    for (const update of updates) {
      expect(update.content).toMatch(/Stood down by Ada Okafor: they are back at school/);
      expect(update.content).not.toContain("escalation_ack");
      expect(update.content).not.toContain('"action_id":"escalation_safe"');
    }
  });

  it("'I'm calling them' from the office pauses the ladder; someone it did not reach is refused", async () => {
    const visit = await visitUnderWay();
    h.app.clock.advanceMinutes(25);
    await h.app.tick(); // missed: the pair are re-prompted
    h.app.clock.advanceMinutes(5);
    await h.app.tick(); // the office is asked to call
    expect(dmsTo(PEOPLE.office).at(-1)?.content).toMatch(/Call both visiting staff/);
    h.stub.reset();
    await h.slack.click(PEOPLE.second, "escalation_ack", visit.id, { channel: "D0STAF006" });
    await h.slack.click(PEOPLE.office, "escalation_ack", visit.id, { channel: "D0OFFI004" });
    await h.settle();
    const texts = h.stub.callsTo("response_url").map((c) => String(c.params.text));
    expect(texts.sort()).toEqual([
      "Noted: you are dealing with home visit " +
        visit.id +
        ". The alert is paused until 10:40 and goes on unless the staff are confirmed safe.",
      "You are on this visit, so someone back at school must take this alert. To check in, reply ok.",
    ]);
    expect((await h.visit(visit.id)).progress.ladder?.acknowledged?.by).toBe("Dev Shah");
  });

  it("a reply word sent to the bot by DM counts for the sender's one open visit", async () => {
    const visit = await h.requestVisit();
    await h.approve(visit.id);
    h.stub.reset();
    await h.slack.message(PEOPLE.requester, "D0STAF005", "leaving");
    await h.settle();
    expect((await h.visit(visit.id)).status).toBe("under_way");
    // Answered where it was written: in the direct message.
    const answers = h.stub.callsTo("chat.postMessage").filter((c) => c.response?.channel === "D0STAF005");
    expect(answers.map((c) => c.params.text)).toEqual([expect.stringMatching(/^On your way\. Check in by 10:20/)]);
  });

  it("never puts the pupil's name or address into the visits channel or its threads, whatever happens", async () => {
    const visit = await visitUnderWay();
    await h.reply(PEOPLE.requester, visit.id, "help");
    h.app.clock.advanceMinutes(19);
    await h.app.tick(); // prompt in the thread
    await h.reply(PEOPLE.requester, visit.id, "arrived");
    await h.reply(PEOPLE.requester, visit.id, "in");
    h.app.clock.advanceMinutes(26);
    await h.app.tick(); // missed check-in
    await h.reply(PEOPLE.requester, visit.id, "delay 10");
    await h.reply(PEOPLE.requester, visit.id, "left");
    await h.reply(PEOPLE.requester, visit.id, "back");
    const visitsCalls = h.stub.calls.filter((c) => c.params.channel === CHANNELS.visits);
    expect(visitsCalls.length).toBeGreaterThan(6);
    for (const call of visitsCalls) {
      expect(call.content).not.toContain(PUPIL.name);
      expect(call.content).not.toContain("Acacia");
      expect(call.content).not.toContain("M5 4AB");
    }
  });
});
