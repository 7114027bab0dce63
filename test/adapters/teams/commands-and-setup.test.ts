import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHANNELS, channel, PEOPLE, personalChat, TENANT, thread } from "./support/activities.js";
import { startTeamsHarness, type TeamsHarness } from "./support/teams-harness.js";

let h: TeamsHarness;
beforeAll(async () => {
  h = await startTeamsHarness();
});
afterAll(async () => {
  await h?.close();
});

/** What the bot answered to one message: the texts of the calls it made meanwhile. */
async function answerTo(send: () => Promise<unknown>): Promise<{ conversation: string; text: string }[]> {
  const before = h.stub.calls.length;
  await send();
  return h.stub.calls.slice(before).map((c) => ({ conversation: c.conversation, text: c.text }));
}

describe("installing the bot", () => {
  it("in a team, remembers the service URL for the school's channels and says how to set up", async () => {
    // startTeamsHarness posted the team install (conversationUpdate, teamMemberAdded).
    const approvals = await h.app.ctx.store.getChannelBinding("teams", "approvals");
    expect(approvals).toMatchObject({ channel: CHANNELS.approvals, serviceUrl: h.stub.url.replace(/\/$/, ""), tenantId: TENANT });
    expect(h.stub.calls[0]?.text).toMatch(/setup approvals/);
  });
});

describe("homevisit commands", () => {
  it("help, with or without a slash or an @mention", async () => {
    for (const text of ["homevisit help", "/homevisit help", "Homevisit: help"]) {
      const [answer] = await answerTo(() => h.say(PEOPLE.requester, personalChat(PEOPLE.requester), text));
      expect(answer?.text).toMatch(/homevisit status/);
    }
    const [answer] = await answerTo(() =>
      h.say(PEOPLE.requester, channel(`${CHANNELS.visits};messageid=42`), "help", { mention: true }),
    );
    expect(answer).toMatchObject({
      conversation: `${CHANNELS.visits};messageid=42`,
      text: expect.stringMatching(/setup approvals/),
    });
  });

  it("@homevisit with no words answers with the menu of commands, there", async () => {
    const [answer] = await answerTo(() => h.say(PEOPLE.requester, channel(CHANNELS.visits), "", { mention: true }));
    expect(answer?.text).toMatch(/homevisit status[\s\S]*homevisit setup approvals/);
  });

  it("status in the 1:1 chat lists my visits; list is for approvers and the office", async () => {
    const visit = await h.requestVisit();
    const [status] = await answerTo(() => h.say(PEOPLE.requester, personalChat(PEOPLE.requester), "homevisit status"));
    expect(status?.text).toContain(visit.id);
    expect(status?.text).toMatch(/waiting for approval/);
    const [refused] = await answerTo(() => h.say(PEOPLE.requester, personalChat(PEOPLE.requester), "homevisit list"));
    expect(refused?.text).toMatch(/only approvers and the school office/);
    const [list] = await answerTo(() => h.say(PEOPLE.office, personalChat(PEOPLE.office), "homevisit list"));
    expect(list?.text).toContain(visit.id);
  });

  it("asked in a channel, someone's visits go to their 1:1 chat, opened if need be", async () => {
    const asked = `${CHANNELS.visits};messageid=77`;
    const calls = await answerTo(() => h.say(PEOPLE.head, channel(asked), "status", { mention: true }));
    // Carys had no 1:1 chat with the bot yet: it opened one (POST /v3/conversations)…
    const opened = h.stub.calls.find((c) => c.createsConversation && json(c.body).includes(PEOPLE.head.id));
    expect(opened?.body).toMatchObject({
      isGroup: false,
      members: [{ id: PEOPLE.head.id, aadObjectId: PEOPLE.head.aad }],
      tenantId: TENANT,
    });
    const chat = String(opened?.response.id);
    // …and it is remembered for later direct messages.
    expect(await h.app.ctx.store.getChannelBinding("teams", `user:${PEOPLE.head.aad}`)).toMatchObject({ conversation: chat });
    expect(calls.find((c) => c.conversation === chat)?.text).toMatch(/no open home visits/);
    expect(calls.find((c) => c.conversation === asked)?.text).toMatch(/sent that to our 1:1 chat/);
  });

  it("cancel <id> cancels the visit and updates its approval card", async () => {
    const visit = await h.requestVisit();
    const cardId = String(h.approvalPost(visit.id).response.id);
    const [answer] = await answerTo(() =>
      h.say(PEOPLE.requester, personalChat(PEOPLE.requester), `homevisit cancel ${visit.id.toLowerCase()} parents rang`),
    );
    expect(answer?.text).toBe(`Home visit ${visit.id} is cancelled: parents rang.`);
    expect((await h.visit(visit.id)).status).toBe("cancelled");
    await h.settle();
    expect(h.stub.calls.find((c) => c.method === "PUT" && c.activityId === cardId)?.text).toMatch(
      /Cancelled\** by Erin Walsh, .*: parents rang/,
    );
  });

  it("an unknown word gets the help, and stray chat in a channel is ignored", async () => {
    const [answer] = await answerTo(() => h.say(PEOPLE.requester, personalChat(PEOPLE.requester), "homevisit dance"));
    expect(answer?.text).toMatch(/I don't know "dance"/);
    expect(await answerTo(() => h.say(PEOPLE.requester, channel(`${CHANNELS.visits};messageid=5`), "lunch anyone?"))).toEqual([]);
  });
});

describe("homevisit setup <role>, typed in a channel", () => {
  it("an approver moves approvals to this channel; the next card goes there", async () => {
    const newChannel = "19:new-approvals@thread.tacv2";
    const [answer] = await answerTo(() => h.say(PEOPLE.dsl, thread(newChannel, "900"), "setup approvals", { mention: true }));
    expect(answer?.text).toMatch(/this channel now gets homevisit's approvals messages/);
    expect(await h.app.ctx.store.getChannelBinding("teams", "approvals")).toMatchObject({ channel: newChannel, source: "setup" });
    const visit = await h.requestVisit();
    expect(h.stub.to(newChannel, { exact: true }).some((c) => c.text.includes(visit.id))).toBe(true);
    // Put it back for the other tests.
    await h.say(PEOPLE.dsl, thread(CHANNELS.approvals, "901"), "homevisit setup approvals");
    expect(await h.app.ctx.store.getChannelBinding("teams", "approvals")).toMatchObject({ channel: CHANNELS.approvals });
  });

  it("is refused to staff who are not approvers, and needs a known role", async () => {
    const [refused] = await answerTo(() =>
      h.say(PEOPLE.requester, thread("19:mine@thread.tacv2", "1"), "homevisit setup alerts"),
    );
    expect(refused?.text).toMatch(/Only approvers, the DSL or the headteacher/);
    expect((await h.app.ctx.store.getChannelBinding("teams", "alerts"))?.channel).toBe(CHANNELS.alerts);
    const [unknown] = await answerTo(() => h.say(PEOPLE.dsl, thread("19:mine@thread.tacv2", "2"), "homevisit setup gossip"));
    expect(unknown?.text).toMatch(/approvals, visits, alerts or records/);
    const [notChannel] = await answerTo(() => h.say(PEOPLE.dsl, personalChat(PEOPLE.dsl), "homevisit setup alerts"));
    expect(notChannel?.text).toMatch(/Type this in the channel you want to use/);
  });
});

describe("the pair's words in their 1:1 chat", () => {
  it("with one visit under way, ok in the 1:1 chat is a check-in", async () => {
    const visit = await h.requestVisit(undefined, "requester");
    await h.press("dsl", "visit_approve", visit.id);
    // Erin may have several visits from earlier tests: cancel the others.
    for (const other of await h.app.ctx.store.listVisits({ staffId: "e.walsh" }))
      if (other.id !== visit.id)
        await h.say(
          PEOPLE.requester,
          personalChat(PEOPLE.requester),
          `homevisit cancel ${other.id} tidying up after another test`,
        );
    await h.reply("requester", visit.id, "leaving");
    h.app.clock.advanceMinutes(5);
    const answers = await answerTo(async () => {
      await h.say(PEOPLE.requester, personalChat(PEOPLE.requester), "ok");
      await h.settle();
    });
    // Answered where it was written: the 1:1 chat, with the same words a thread would get.
    expect(answers.filter((a) => a.conversation === personalChat(PEOPLE.requester).id).map((a) => a.text)).toEqual([
      expect.stringMatching(/^Thanks, checked in at 10:05\. Next check-in by 10:25\./),
    ]);
    expect((await h.visit(visit.id)).progress.lastCheckIn?.place).not.toBe("leaving school");
  });
});

function json(value: unknown): string {
  return JSON.stringify(value);
}
