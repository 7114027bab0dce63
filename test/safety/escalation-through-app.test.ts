import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { replyToVisit } from "../../src/app/use-cases/reply-to-visit.js";
import { acknowledgeAlert } from "../../src/app/use-cases/respond-to-alert.js";
import { FakeChat, fakeChatAdapter } from "../support/fake-chat.js";
import { startTestApp, type TestApp } from "../support/test-app.js";
import {
  closeAndDrop,
  dmsTo,
  escalationAudit,
  everything,
  hughes,
  nowak,
  okafor,
  postsIn,
  shah,
  tickAt,
  time,
  unwrapResult,
  visitUnderWay,
  walsh,
} from "./app-helpers.js";

/**
 * The escalation ladder through the real app: use cases, PostgreSQL/PGlite, the outbox and a fake
 * chat platform (console ids: channels are role names, DMs go to staff ids). Default policy: check
 * in every 20 min, 5 min grace, then pair → office (+5) → leaders (+10) → emergency pack (+10).
 */

const PUPIL_NAME = "Jamie Lee Smith";
const ADDRESS = "12 Orchard Way, Salford M5 4AB";
/** As stored: the request form normalises "07700 900105" to "07700900105". */
const MOBILES = ["07700900105", "07700900106"];
const LADDER_DMS = ["e.walsh", "f.nowak", "d.shah", "c.morgan", "a.okafor"];

let chat: FakeChat;
let app: TestApp;

beforeEach(async () => {
  chat = new FakeChat("console");
  app = await startTestApp({}, { adapters: [fakeChatAdapter(chat)] });
});

afterEach(async () => {
  // Whatever happened, the general visits channel (and every thread in it) never showed the pupil or the address.
  for (const message of chat.inChannel("visits")) {
    const all = everything(message);
    for (const secret of [PUPIL_NAME, "Jamie", "Smith", ADDRESS, "Orchard Way", "M5 4AB"]) expect(all).not.toContain(secret);
  }
  await app.stop();
  await closeAndDrop(app.db);
});

describe("a missed check-in, through the app", () => {
  it("opens the thread with id and initials only, climbs the whole ladder, and ok stands every place down", async () => {
    const id = await visitUnderWay(app, { leaveAt: time("10:00") });

    // The thread: visit id and initials, nothing else about the pupil.
    const opener = chat.inChannel("visits").filter((m) => m.target?.kind === "channel" && !m.target.threadRef);
    expect(opener).toHaveLength(1);
    expect(opener[0]?.visibleText).toContain(`Home visit ${id} (J.L.S.)`);
    const thread = chat.inChannel("visits", { threadOf: opener[0]?.ref.ts });
    expect(thread.map((m) => m.visibleText)).toEqual([expect.stringMatching(/^On your way\. Check in by 10:20/)]);

    // 10:18 the gentle prompt in the thread; nobody else is told.
    await tickAt(app, time("10:18"));
    expect(chat.inChannel("visits", { threadOf: opener[0]?.ref.ts }).at(-1)?.visibleText).toMatch(/Check-in due by 10:20/);
    for (const user of LADDER_DMS) expect(dmsTo(chat, user, "missed a check-in")).toEqual([]);

    // Not a moment before interval + grace.
    await tickAt(app, time("10:24", 59));
    expect(chat.toUser("e.walsh").filter((m) => m.visibleText.includes("missed"))).toEqual([]);

    // 10:25 both of the pair get a DM re-prompt.
    await tickAt(app, time("10:25"));
    for (const user of ["e.walsh", "f.nowak"]) {
      expect(dmsTo(chat, user, `You missed a check-in on home visit ${id}`)).toHaveLength(1);
    }
    expect(dmsTo(chat, "d.shah")).toEqual([]);

    // 10:30 the office, with both mobiles.
    await tickAt(app, time("10:29", 59));
    expect(dmsTo(chat, "d.shah")).toEqual([]);
    await tickAt(app, time("10:30"));
    const office = dmsTo(chat, "d.shah", `Home visit ${id}`);
    expect(office).toHaveLength(1);
    for (const mobile of MOBILES) expect(office[0]?.visibleText).toContain(mobile);
    expect(office[0]?.visibleText).toContain("Call both visiting staff on their mobiles now");
    expect(dmsTo(chat, "c.morgan")).toEqual([]);

    // 10:40 the leaders (headteacher and DSL).
    await tickAt(app, time("10:40"));
    for (const user of ["c.morgan", "a.okafor"]) {
      const told = dmsTo(chat, user, "The office has not reached the visiting staff");
      expect(told).toHaveLength(1);
      for (const mobile of MOBILES) expect(told[0]?.visibleText).toContain(mobile);
    }
    expect(postsIn(chat, "alerts")).toEqual([]);

    // 10:50 the emergency pack in alerts: names, mobiles, address, vehicle registration, last check-in.
    await tickAt(app, time("10:50"));
    const packs = postsIn(chat, "alerts");
    expect(packs).toHaveLength(1);
    const pack = packs[0]?.visibleText ?? "";
    expect(pack).toContain(`EMERGENCY: staff missed a check-in`);
    expect(pack).toContain("Staff: Erin Walsh and Filip Nowak");
    for (const mobile of MOBILES) expect(pack).toContain(mobile);
    expect(pack).toContain(`Address: ${ADDRESS}`);
    expect(pack).toContain("registration AB12 CDE");
    expect(pack).toContain("Last check-in: Tue 24 Nov, 10:00 by Erin Walsh, leaving school");
    expect(pack).toContain("call 999");
    for (const user of ["c.morgan", "a.okafor"]) expect(dmsTo(chat, user, "EMERGENCY")).toHaveLength(1);

    expect(await escalationAudit(app.ctx.store, id)).toEqual([
      { step: "reprompt_pair", at: time("10:25").toISOString(), targets: ["pair"], reason: "missed_check_in" },
      { step: "office_calls", at: time("10:30").toISOString(), targets: ["office"], reason: "missed_check_in" },
      { step: "leaders_told", at: time("10:40").toISOString(), targets: ["headteacher", "dsl"], reason: "missed_check_in" },
      {
        step: "emergency",
        at: time("10:50").toISOString(),
        targets: ["alerts", "headteacher", "dsl"],
        reason: "missed_check_in",
      },
    ]);

    // 10:52 Filip Nowak replies ok: every place the ladder reached is stood down, exactly once.
    app.clock.set(time("10:52"));
    const ok = unwrapResult(await replyToVisit(app.ctx, nowak, id, "ok"));
    expect(ok).toMatchObject({ handled: true, action: "checked_in" });
    await app.flush();
    for (const user of LADDER_DMS) expect(dmsTo(chat, user, "Stand down")).toHaveLength(1);
    expect(postsIn(chat, "alerts", "Stand down")).toHaveLength(1);
    expect(postsIn(chat, "alerts", "Stand down")[0]?.visibleText).toContain(`Filip Nowak checked in on home visit ${id}`);
    // Nobody outside the ladder was told anything (the deputy DSL was never on it).
    expect(chat.toUser("b.hughes")).toEqual([]);

    // The ladder is over: ticking on until just before the next missed check-in (11:12 + 5) changes nothing.
    const sentBefore = chat.sent.length;
    await tickAt(app, time("11:00"));
    await tickAt(app, time("11:16"));
    expect(chat.sent.slice(sentBefore).map((m) => m.visibleText)).toEqual([expect.stringMatching(/^Check-in due by 11:12/)]);
    expect(await escalationAudit(app.ctx.store, id)).toHaveLength(4);
    const visit = await app.ctx.store.getVisit(id);
    expect(visit?.progress.ladder ?? null).toBeNull();
  });

  it("an acknowledgement pauses the ladder for acknowledgePauseMinutes, then it resumes", async () => {
    const id = await visitUnderWay(app, { leaveAt: time("10:00") });
    await tickAt(app, time("10:25"));
    await tickAt(app, time("10:30"));
    expect(dmsTo(chat, "d.shah", `Home visit ${id}`)).toHaveLength(1);

    // 10:31 the office presses "I'm calling them": paused for 10 minutes, until 10:41.
    app.clock.set(time("10:31"));
    const acked = unwrapResult(await acknowledgeAlert(app.ctx, shah, id, "ringing Erin now"));
    expect(acked.progress.ladder?.acknowledged).toMatchObject({ by: "Dev Shah", until: time("10:41").toISOString() });
    await app.flush();
    for (const user of ["e.walsh", "f.nowak", "d.shah"]) {
      expect(dmsTo(chat, user, "Dev Shah is dealing with")).toHaveLength(1);
      expect(dmsTo(chat, user, "paused until 10:41")).toHaveLength(1);
    }

    // At the step's own time (10:40) nothing happens; not a second before 10:41 either.
    await tickAt(app, time("10:40"));
    await tickAt(app, time("10:40", 59));
    expect(dmsTo(chat, "c.morgan")).toEqual([]);
    expect(dmsTo(chat, "a.okafor")).toEqual([]);

    // 10:41 the pause is over and the ladder resumes with the leaders; the emergency pack 10 min later.
    await tickAt(app, time("10:41"));
    expect(dmsTo(chat, "c.morgan", "The office has not reached")).toHaveLength(1);
    expect(dmsTo(chat, "a.okafor", "The office has not reached")).toHaveLength(1);
    await tickAt(app, time("10:50", 59));
    expect(postsIn(chat, "alerts")).toEqual([]);
    await tickAt(app, time("10:51"));
    expect(postsIn(chat, "alerts", "EMERGENCY")).toHaveLength(1);

    const audit = await app.ctx.store.listAudit(id);
    expect(audit.filter((e) => e.action === "escalation_acknowledged")).toHaveLength(1);
    expect((await escalationAudit(app.ctx.store, id)).map((s) => [s.step, s.at])).toEqual([
      ["reprompt_pair", time("10:25").toISOString()],
      ["office_calls", time("10:30").toISOString()],
      ["leaders_told", time("10:41").toISOString()],
      ["emergency", time("10:51").toISOString()],
    ]);
  });
});

describe("the code word, through the app", () => {
  it("answers like an ordinary check-in, raises the emergency pack in alerts at once, and is never written anywhere", async () => {
    const id = await visitUnderWay(app, { leaveAt: time("10:00") });
    const threadOf = chat.inChannel("visits")[0]?.ref.ts;

    // An ordinary check-in at 10:05, for comparison.
    app.clock.set(time("10:05"));
    unwrapResult(await replyToVisit(app.ctx, nowak, id, "ok"));
    await app.flush();
    const ordinary = chat.inChannel("visits", { threadOf }).at(-1);
    expect(ordinary?.message.text).toBe("Thanks, checked in at 10:05. Next check-in by 10:25.");

    // 10:07 Erin types the code word (with the capitals and spaces a phone might add).
    app.clock.set(time("10:07"));
    const sentBefore = chat.sent.length;
    const raised = unwrapResult(await replyToVisit(app.ctx, walsh, id, "  Bluebell "));
    expect(raised).toMatchObject({ handled: true, action: "code_word" });
    // The alarm is beside the visit, not a status of it: the pair's visit reads as before.
    expect(raised.handled && raised.visit.status).toBe("under_way");
    expect(raised.handled && raised.visit.progress.alarm).toMatchObject({ kind: "code_word", raisedBy: "e.walsh" });
    await app.flush();

    // The thread reply is worded and shaped exactly like the ordinary one.
    const coded = chat.inChannel("visits", { threadOf }).at(-1);
    expect(coded?.message.text).toBe("Thanks, checked in at 10:07. Next check-in by 10:27.");
    const normalise = (text: string) => text.replace(/\d\d:\d\d/g, "HH:MM");
    expect(normalise(JSON.stringify(coded?.message))).toBe(normalise(JSON.stringify(ordinary?.message)));

    // At once (no grace, no tick): the emergency pack in alerts, marked as a code word.
    const packs = postsIn(chat, "alerts");
    expect(packs).toHaveLength(1);
    expect(packs[0]?.message.title).toBe("CODE WORD used by Erin Walsh");
    expect(packs[0]?.visibleText).toContain(`Address: ${ADDRESS}`);
    expect(packs[0]?.visibleText).toContain("registration AB12 CDE");
    for (const mobile of MOBILES) expect(packs[0]?.visibleText).toContain(mobile);
    // codeWordNotify: alerts, headteacher, dsl, office.
    for (const user of ["c.morgan", "a.okafor", "d.shah"])
      expect(dmsTo(chat, user, "CODE WORD used by Erin Walsh")).toHaveLength(1);
    // The pair's own phones show nothing but the ordinary-looking thread reply.
    const newSince = chat.sent.slice(sentBefore);
    expect(newSince.filter((m) => m.target?.kind === "dm" && ["e.walsh", "f.nowak"].includes(m.target.user))).toEqual([]);

    // No ladder runs afterwards (the alarm is already raised); the alarm itself goes out again every
    // repeatMinutes (5) until someone who is not on the visit takes it.
    await tickAt(app, time("10:11", 59));
    expect(postsIn(chat, "alerts")).toHaveLength(1);
    await tickAt(app, time("10:12"));
    expect(postsIn(chat, "alerts").map((m) => m.message.title)).toEqual([
      "CODE WORD used by Erin Walsh",
      "CODE WORD used by Erin Walsh (alert 2: nobody has taken it yet)",
    ]);
    expect(await escalationAudit(app.ctx.store, id)).toEqual([]);

    // The word itself appears in no message, no audit entry and not in the stored visit.
    for (const message of chat.sent) expect(everything(message).toLowerCase()).not.toContain("bluebell");
    const audit = await app.ctx.store.listAudit(id);
    expect(audit.map((e) => e.action)).toContain("code_word");
    expect(JSON.stringify(audit).toLowerCase()).not.toContain("bluebell");
    expect(JSON.stringify(await app.ctx.store.getVisit(id)).toLowerCase()).not.toContain("bluebell");
  });

  it("typed by someone who is not on the visit, the code word is ordinary chat and raises nothing", async () => {
    const id = await visitUnderWay(app, { leaveAt: time("10:00") });
    app.clock.set(time("10:07"));
    const result = unwrapResult(await replyToVisit(app.ctx, okafor, id, "bluebell"));
    expect(result).toEqual({ handled: false });
    await app.flush();
    expect(postsIn(chat, "alerts")).toEqual([]);
    expect((await app.ctx.store.getVisit(id))?.status).toBe("under_way");
  });
});

describe("the code word when a safeguarding lead is one of the pair", () => {
  // Regression guard for a bug found and fixed on 2026-11-22 (src/app/effects-to-messages.ts, case "code_word_alert"): the alert goes to every holder of
  // each codeWordNotify role, including a visiting member of staff who holds that role. DSLs often
  // make safe-and-well visits themselves; the DSL at the door then gets "CODE WORD used by Filip
  // Nowak" on the phone in their hand, which is exactly what the silent alarm must never show.
  it("never sends the code-word alert to the phones of the staff on the visit", async () => {
    const id = await visitUnderWay(app, {
      leaveAt: time("10:00"),
      lead: okafor,
      approver: hughes,
      input: { lead: { staffId: "a.okafor", name: "Ada Okafor", mobile: "07700 900101" } },
    });
    app.clock.set(time("10:07"));
    const raised = unwrapResult(await replyToVisit(app.ctx, nowak, id, "bluebell"));
    expect(raised).toMatchObject({ handled: true, action: "code_word" });
    await app.flush();
    // The alarm is raised for the others…
    expect(postsIn(chat, "alerts", "CODE WORD used by Filip Nowak")).toHaveLength(1);
    expect(dmsTo(chat, "c.morgan", "CODE WORD")).toHaveLength(1);
    // …but the DSL standing at the door with Filip must not get it.
    expect(dmsTo(chat, "a.okafor", "CODE WORD")).toEqual([]);
  });
});

describe("what the visits channel shows", () => {
  it("never the pupil's full name or the address, through a whole visit (door, delay, inside, left, back)", async () => {
    const id = await visitUnderWay(app, { leaveAt: time("10:00") });
    const say = async (who: typeof walsh, hhmm: string, text: string) => {
      app.clock.set(time(hhmm));
      unwrapResult(await replyToVisit(app.ctx, who, id, text));
      await app.flush();
    };
    await say(walsh, "10:10", "arrived");
    await say(nowak, "10:12", "parents late");
    await say(walsh, "10:15", "delay 15");
    await say(walsh, "10:20", "in");
    await say(walsh, "10:21", "help");
    await say(nowak, "10:40", "ok");
    await say(walsh, "10:55", "left");
    await say(walsh, "11:05", "back");
    await tickAt(app, time("12:30"));

    const visits = chat.inChannel("visits");
    expect(visits.length).toBeGreaterThanOrEqual(9);
    expect(visits.map((m) => m.visibleText).join("\n")).toContain("J.L.S.");
    // (The afterEach hook checks every message in the channel for the name and the address.)
    expect((await app.ctx.store.getVisit(id))?.status).toBe("returned");
  });
});
