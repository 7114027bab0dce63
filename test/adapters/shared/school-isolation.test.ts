import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/test-database.js";
import { messageText } from "../slack/support/slack-driver.js";
import { CHANNELS, PEOPLE, type SlackHarness, startSlackHarness, validRequestValues } from "../slack/support/slack-harness.js";

/**
 * Two schools in one database, each served by its own homevisit, as a trust runs it. One school's
 * DSL can never see or act on the other's visits, records, exports or audit trail, whatever id
 * they type or forge into a button.
 */
let db: TestDatabase;
let north: SlackHarness;
let south: SlackHarness;
beforeAll(async () => {
  db = await createTestDatabase();
  north = await startSlackHarness({ db, school: "north" });
  // South's staff use their own Slack workspace; the same channel ids there are South's channels.
  south = await startSlackHarness({ db, school: "south", team: "T0SOUTH001" });
});
afterAll(async () => {
  await south?.close();
  await north?.close();
  await db?.drop();
});

describe("two schools in one database", () => {
  it("keeps each school's visits, cards, threads, records, exports and audit to itself", async () => {
    const visit = await north.requestVisit(validRequestValues({ pupil_name: "Nora North" }));
    await north.approve(visit.id);
    await north.reply(PEOPLE.requester, visit.id, "leaving");
    const thread = await north.threadTs(visit.id);

    // South's DSL presses Approve on a card forged with North's visit id: there is no such visit.
    south.stub.reset();
    await south.slack.click(PEOPLE.dsl, "visit_conditions", visit.id, { channel: CHANNELS.approvals });
    await south.settle();
    expect(
      south.stub
        .callsTo("response_url")
        .map((c) => messageText(c.params))
        .join("\n"),
    ).toMatch(new RegExp(`There is no home visit ${visit.id}`));
    // A reply under North's thread ts, in South's Slack, reaches no visit.
    await south.slack.message(PEOPLE.requester, CHANNELS.visits, "back", thread);
    await south.settle();
    expect((await north.visit(visit.id)).status).toBe("under_way");

    // Status, list, record and export in South know nothing of it.
    for (const text of ["status", "list", `record ${visit.id}`, "export 2026-11-01 2026-11-30"]) {
      south.stub.reset();
      const answer = await south.slack.command(PEOPLE.dsl, text);
      await south.settle();
      const said = [answer.text, ...south.stub.calls.map((c) => c.content)].join("\n");
      expect({
        text,
        leaks: said.includes("Nora North") || (said.includes(visit.id) && !said.includes("no home visit")),
      }).toEqual({
        text,
        leaks: false,
      });
    }
    expect(await south.app.ctx.store.listVisits({})).toEqual([]);
    expect(await south.app.ctx.store.getVisit(visit.id)).toBeNull();
    expect(await south.app.ctx.store.listAudit(visit.id)).toEqual([]);
    expect(await north.app.ctx.store.listAudit(visit.id)).not.toEqual([]);

    // And the other way round: South's visit is South's.
    const theirs = await south.requestVisit(validRequestValues({ pupil_name: "Sam South" }));
    expect((await north.app.ctx.store.listVisits({})).map((v) => v.id)).toEqual([visit.id]);
    expect((await south.app.ctx.store.listVisits({})).map((v) => v.id)).toEqual([theirs.id]);
  });

  it("each school has its own row and policy history", async () => {
    const schools = await north.app.ctx.store.schools.list();
    expect(schools.map((s) => s.id)).toEqual(["north", "south"]);
    expect((await north.app.ctx.store.schools.history("north")).length).toBe(1);
  });
});
