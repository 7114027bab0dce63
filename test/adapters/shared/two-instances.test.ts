import { afterEach, describe, expect, it } from "vitest";
import type { Store } from "../../../src/app/ports.js";
import { createTestDatabase, type TestDatabase, testDatabaseUrl } from "../../support/test-database.js";
import { messageText } from "../slack/support/slack-driver.js";
import { CHANNELS, PEOPLE, type SlackHarness, startSlackHarness } from "../slack/support/slack-harness.js";
import { cardActionActivity, PEOPLE as TEAMS_PEOPLE } from "../teams/support/activities.js";
import { startTeamsHarness, type TeamsHarness, toCardInputs } from "../teams/support/teams-harness.js";
import { CODE_WORD, validRequestValues } from "./visit-request.js";

/**
 * Two instances of homevisit on one PostgreSQL, as a trust runs it. What arrives twice (a Slack
 * retry, a double press that reaches both, a load balancer's second try) must have one effect:
 * the database's unique key decides, not either instance's memory.
 */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function sharedDatabase(): Promise<{ db: TestDatabase; again: () => Promise<TestDatabase> }> {
  const db = await createTestDatabase();
  const opened: Store[] = [];
  cleanups.push(async () => {
    for (const store of opened) await store.close();
    await db.drop();
  });
  return {
    db,
    again: async () => {
      const store = await db.openAnother();
      opened.push(store);
      return { ...db, store };
    },
  };
}

describe.skipIf(!testDatabaseUrl())("two instances on one PostgreSQL", () => {
  async function twoSlack(): Promise<[SlackHarness, SlackHarness]> {
    const { db, again } = await sharedDatabase();
    const a = await startSlackHarness({ db });
    const b = await startSlackHarness({ db: await again() });
    cleanups.push(async () => {
      await b.close();
      await a.close();
    });
    return [a, b];
  }

  it("Slack: the same request form submitted to both makes one visit, and both answers agree", async () => {
    const [a, b] = await twoSlack();
    const view = { ...(await a.openRequestForm()), id: "V0SAMEVIEW" };
    const answers = await Promise.all([
      a.slack.submitView(PEOPLE.requester, view, validRequestValues()),
      b.slack.submitView(PEOPLE.requester, view, validRequestValues()),
      a.slack.submitView(PEOPLE.requester, view, validRequestValues()),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    await a.settle();
    await b.settle();
    expect(await a.app.ctx.store.listVisits({})).toHaveLength(1);
    const cards = [...a.stub.callsTo("chat.postMessage"), ...b.stub.callsTo("chat.postMessage")].filter(
      (call) => call.params.channel === CHANNELS.approvals,
    );
    expect(cards).toHaveLength(1);
  });

  it("Slack: with posts taking 1.5 s, 30 visits requested at once across both instances get one approval card each", async () => {
    const [a, b] = await twoSlack();
    a.stub.slowDown("chat.postMessage", 1_500);
    b.stub.slowDown("chat.postMessage", 1_500);
    const submissions = Array.from({ length: 30 }, (_, n) => {
      const h = n % 2 === 0 ? a : b;
      return h
        .openRequestForm()
        .then((view) =>
          h.slack.submitView(
            PEOPLE.requester,
            view,
            validRequestValues({ pupil_name: `Pupil Number${n}`, address: `${n} Mill Lane, Salford M5 1AA` }),
          ),
        );
    });
    expect((await Promise.all(submissions)).map((answer) => answer.status)).toEqual(Array(30).fill(200));
    await a.settle();
    await b.settle();
    const visits = await a.app.ctx.store.listVisits({});
    expect(visits).toHaveLength(30);
    const cards = [...a.stub.callsTo("chat.postMessage"), ...b.stub.callsTo("chat.postMessage")]
      .filter((call) => call.params.channel === CHANNELS.approvals)
      .map((call) => messageText(call.params).match(/HV-[A-Z0-9]{5}/)?.[0]);
    expect(cards.sort()).toEqual(visits.map((visit) => visit.id).sort());
  });

  it("Slack: a code word that Slack retries, reaching both instances, raises one alarm", async () => {
    const [a, b] = await twoSlack();
    const visit = await a.requestVisit();
    await a.approve(visit.id);
    await a.reply(PEOPLE.requester, visit.id, "leaving");
    const thread = await a.threadTs(visit.id);
    const event = { eventId: "Ev0CODEWORD", ts: "1795001234.000001" };
    await Promise.all([
      a.slack.message(PEOPLE.second, CHANNELS.visits, CODE_WORD, thread, event),
      b.slack.message(PEOPLE.second, CHANNELS.visits, CODE_WORD, thread, { ...event, retryNum: 1 }),
      a.slack.message(PEOPLE.second, CHANNELS.visits, CODE_WORD, thread, { ...event, retryNum: 2 }),
    ]);
    await a.settle();
    await b.settle();
    const audit = await a.app.ctx.store.listAudit(visit.id);
    expect(audit.filter((entry) => entry.action === "code_word")).toHaveLength(1);
    const packs = [...a.stub.calls, ...b.stub.calls].filter(
      (call) => call.method === "chat.postMessage" && call.params.channel === CHANNELS.alerts,
    );
    expect(packs.map((call) => messageText(call.params))).toEqual([expect.stringMatching(/CODE WORD used by Filip Nowak/)]);
  });

  it("Teams: the same form card submitted to both instances makes one visit", async () => {
    const { db, again } = await sharedDatabase();
    const a: TeamsHarness = await startTeamsHarness({ db });
    const b: TeamsHarness = await startTeamsHarness({ db: await again(), install: false });
    cleanups.push(async () => {
      await b.close();
      await a.close();
    });
    const form = await a.openForm();
    const inputs = toCardInputs(validRequestValues());
    const submit = (h: TeamsHarness) =>
      h.post(cardActionActivity(h.stub.url, TEAMS_PEOPLE.requester, form.conversation, form.messageId, "visit_submit", inputs));
    const answers = await Promise.all([submit(a), submit(b), submit(a), submit(b)]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    const visits = await a.app.ctx.store.listVisits({});
    expect(visits).toHaveLength(1);
    // Every press is told the same thing: sent for approval, with the one visit's id.
    for (const answer of answers) expect(JSON.stringify(answer.body)).toContain(visits[0]?.id);
  });
});
