import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Visit } from "../../../src/domain/visit.js";
import { SCHOOL_MORNING } from "../../support/test-clock.js";
import { messageText } from "./support/slack-driver.js";
import { CHANNELS, PEOPLE, type SlackHarness, startSlackHarness } from "./support/slack-harness.js";

// One app for the file: these tests never tick, so no visit's timers reach into another test.
let h: SlackHarness;
beforeAll(async () => {
  h = await startSlackHarness();
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => {
  h.stub.reset();
  h.app.clock.set(SCHOOL_MORNING);
});

async function approvedVisit(): Promise<Visit> {
  const visit = await h.requestVisit();
  const approved = await h.approve(visit.id);
  expect(approved.status).toBe("approved");
  return approved;
}

async function threadReplies(visitId: string) {
  const thread = await h.threadTs(visitId);
  return h.stub.calls.filter((c) => c.method === "chat.postMessage" && c.params.thread_ts === thread);
}
const lastThreadText = async (visitId: string) => String((await threadReplies(visitId)).at(-1)?.params.text ?? "");

describe("the visit thread", () => {
  it("opens in the visits channel on approval, naming only the id and initials, mentioning the pair", async () => {
    const visit = await approvedVisit();
    const opener = h.stub.calls.find(
      (c) => c.method === "chat.postMessage" && c.params.channel === CHANNELS.visits && !c.params.thread_ts,
    );
    expect(opener?.response?.ts).toBe(await h.threadTs(visit.id));
    expect(opener?.content).toContain(`${visit.id} (J.L.S.)`);
    expect(opener?.content).toContain(`<@${PEOPLE.requester}>`);
    expect(opener?.content).toContain(`<@${PEOPLE.second}>`);
  });

  it("moves the visit on with leaving, ok, the I'm OK button and back, answering in the thread", async () => {
    const visit = await approvedVisit();
    const thread = await h.threadTs(visit.id);

    expect((await h.reply(PEOPLE.requester, visit.id, "leaving")).status).toBe("under_way");
    const leaving = (await threadReplies(visit.id)).at(-1);
    expect(leaving?.params).toMatchObject({ channel: CHANNELS.visits, thread_ts: thread });
    expect(leaving?.params.text).toMatch(/On your way\. Check in by 10:20/);

    h.app.clock.advanceMinutes(10);
    const checked = await h.reply(PEOPLE.second, visit.id, "OK");
    expect(checked.progress.lastCheckIn?.by).toBe("f.nowak");
    expect(await lastThreadText(visit.id)).toMatch(/Thanks, checked in at 10:10/);

    h.app.clock.advanceMinutes(5);
    h.stub.reset();
    await h.slack.click(PEOPLE.requester, "checkin_ok", visit.id, { channel: CHANNELS.visits, ts: thread });
    await h.settle();
    expect((await h.visit(visit.id)).progress.lastCheckIn).toMatchObject({ by: "e.walsh", at: "2026-11-24T10:15:00.000Z" });
    expect(await lastThreadText(visit.id)).toMatch(/checked in at 10:15/);
    expect(h.stub.callsTo("response_url").map((c) => c.params.text)).toEqual([expect.stringMatching(/checked in on home visit/)]);

    const back = await h.reply(PEOPLE.requester, visit.id, "back");
    expect(back.status).toBe("returned");
    expect(await lastThreadText(visit.id)).toMatch(/Welcome back/);
    // The lead is asked for the Home Visit Form by DM, with the button that opens it.
    const ask = h.stub.calls.find(
      (c) => c.params.channel === PEOPLE.requester && c.content.includes('"action_id":"record_open"'),
    );
    expect(ask).toBeDefined();
  });

  it("tells someone not on the visit, ephemerally, that only its staff can check in; the visit is unchanged", async () => {
    const visit = await approvedVisit();
    await h.reply(PEOPLE.requester, visit.id, "leaving");
    const before = await h.visit(visit.id);
    const thread = await h.threadTs(visit.id);
    h.stub.reset();
    await h.slack.message(PEOPLE.office, CHANNELS.visits, "ok", thread);
    await h.slack.message(PEOPLE.stranger, CHANNELS.visits, "back", thread);
    await h.settle();
    const notes = h.stub
      .callsTo("chat.postEphemeral")
      .map((c) => [c.params.user, c.params.channel, c.params.thread_ts, c.params.text]);
    expect(notes).toEqual(
      expect.arrayContaining([
        [PEOPLE.office, CHANNELS.visits, thread, "Only the staff on this visit can check in here."],
        [PEOPLE.stranger, CHANNELS.visits, thread, "Only the staff on this visit can check in here."],
      ]),
    );
    expect(notes).toHaveLength(2);
    const after = await h.visit(visit.id);
    expect(after.version).toBe(before.version);
    expect(after.status).toBe("under_way");
    expect(h.stub.callsTo("chat.postMessage")).toHaveLength(0);
  });

  it("tells one of the pair why a reply does not fit the visit's state", async () => {
    const visit = await approvedVisit();
    await h.reply(PEOPLE.requester, visit.id, "leaving");
    await h.reply(PEOPLE.requester, visit.id, "back");
    h.stub.reset();
    await h.reply(PEOPLE.requester, visit.id, "in");
    expect(h.stub.callsTo("chat.postEphemeral").map((c) => c.params.text)).toEqual([
      "You can't say you are inside now: this visit is over (staff back).",
    ]);
    expect((await h.visit(visit.id)).status).toBe("returned");
  });

  it("takes 'in' from a pair who forgot to say leaving: they set off, arrived and went in", async () => {
    const visit = await approvedVisit();
    await h.reply(PEOPLE.requester, visit.id, "in");
    const after = await h.visit(visit.id);
    expect(after.status).toBe("in_home");
    expect(after.progress.leftSchoolAt).toBeTruthy();
    expect(await lastThreadText(visit.id)).toMatch(/^Inside\. Next check-in by/);
  });

  it("leaves ordinary chat, other bots' messages, edits and joins alone", async () => {
    const visit = await approvedVisit();
    const thread = await h.threadTs(visit.id);
    h.stub.reset();
    await h.slack.message(PEOPLE.office, CHANNELS.visits, "Good luck both!", thread);
    await h.slack.message(PEOPLE.requester, CHANNELS.visits, "leaving at 10:30 I think", thread);
    const base = {
      type: "message",
      channel: CHANNELS.visits,
      channel_type: "channel",
      ts: "1795000999.000001",
      thread_ts: thread,
    };
    await h.slack.event({ ...base, user: PEOPLE.requester, text: "leaving", bot_id: "B0OTHER" });
    await h.slack.event({ ...base, subtype: "message_changed", message: { text: "leaving", user: PEOPLE.requester } });
    await h.slack.event({ ...base, subtype: "channel_join", user: PEOPLE.requester, text: "leaving" });
    await h.slack.message(PEOPLE.requester, CHANNELS.visits, "leaving"); // not in a thread
    await h.settle();
    expect((await h.visit(visit.id)).status).toBe("approved");
    // The one message from the pair that homevisit could not read is answered, and passed to the
    // office for a person to read; the rest get nothing.
    const calls = h.stub.calls.map((c) => `${c.method} ${String(c.params.channel)} ${messageText(c.params)}`);
    // Two places, so in either order.
    expect(calls.sort()).toEqual([
      expect.stringMatching(/^chat\.postMessage C0VISITS01 I did not read that as a check-in/),
      expect.stringMatching(/^chat\.postMessage U0OFFI004 .*Erin Walsh wrote on home visit .*"leaving at 10:30 I think"/s),
    ]);
  });

  it("ignores a reply under the same ts in another channel: a ts is unique only within its channel", async () => {
    const visit = await approvedVisit();
    h.stub.reset();
    await h.slack.message(PEOPLE.requester, "C0ELSEWHERE", "leaving", await h.threadTs(visit.id));
    await h.settle();
    expect((await h.visit(visit.id)).status).toBe("approved");
    expect(h.stub.calls).toHaveLength(0);
  });

  it("counts a reply also sent to the channel (thread_broadcast)", async () => {
    const visit = await approvedVisit();
    const thread = await h.threadTs(visit.id);
    await h.slack.event({
      type: "message",
      subtype: "thread_broadcast",
      channel: CHANNELS.visits,
      channel_type: "channel",
      user: PEOPLE.requester,
      text: "leaving",
      ts: "1795001000.000001",
      thread_ts: thread,
    });
    await h.settle();
    expect((await h.visit(visit.id)).status).toBe("under_way");
  });

  it("applies a reply once when Slack retries the same event", async () => {
    const visit = await approvedVisit();
    await h.reply(PEOPLE.requester, visit.id, "leaving");
    h.app.clock.advanceMinutes(5);
    const thread = await h.threadTs(visit.id);
    h.stub.reset();
    const ts = "1795000999.000001";
    await h.slack.message(PEOPLE.requester, CHANNELS.visits, "ok", thread, { eventId: "Ev0RETRY001", ts });
    await h.slack.message(PEOPLE.requester, CHANNELS.visits, "ok", thread, { eventId: "Ev0RETRY001", retryNum: 1, ts });
    await h.slack.message(PEOPLE.requester, CHANNELS.visits, "ok", thread, { eventId: "Ev0RETRY001", retryNum: 2, ts });
    await h.settle();
    const audit = (await h.app.ctx.store.listAudit(visit.id)).filter((a) => a.action === "checked_in");
    expect(audit).toHaveLength(1);
    expect(await threadReplies(visit.id)).toHaveLength(1);
  });

  it("a reply word sent to the bot by DM, with several visits open, asks for the visit's thread", async () => {
    await approvedVisit();
    await approvedVisit();
    h.stub.reset();
    await h.slack.message(PEOPLE.requester, "D0STAF005", "leaving");
    await h.settle();
    const answer = h.stub.callsTo("chat.postMessage").find((c) => c.params.channel === "D0STAF005");
    expect(answer?.params.text).toMatch(/more than one home visit .*reply in that visit's thread/);
    expect(h.stub.callsTo("chat.postMessage")).toHaveLength(1);
  });
});
