import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../../../src/app/ports.js";
import { SCHOOL_MORNING } from "../../support/test-clock.js";
import { messageText } from "./support/slack-driver.js";
import {
  CHANNELS,
  CODE_WORD,
  PEOPLE,
  type SlackHarness,
  startSlackHarness,
  tsOf,
  validRequestValues,
} from "./support/slack-harness.js";

/**
 * One homevisit process serving two schools in one Slack workspace, as a trust runs it: the second
 * school is started in chat, its channels set in chat, and a whole visit runs in it beside the
 * first school's, each in its own channels, with no restart and no file touched.
 */
const OAK = { approvals: "C1OAKAPPR1", visits: "C1OAKVIS01", alerts: "C1OAKALRT1", records: "C1OAKREC01" } as const;
const OAK_PEOPLE = { dsl: "U1DSL0001", requester: "U1STAF005", second: "U1STAF006" } as const;

let h: SlackHarness;
let oak: AppContext;

beforeAll(async () => {
  h = await startSlackHarness();
});
afterAll(async () => {
  await h?.close();
});

const said = (channel?: string) =>
  h.stub.calls
    .filter((c) => c.method.startsWith("chat.") && (!channel || c.params.channel === channel))
    .map((c) => messageText(c.params))
    .join("\n");

describe("a second school in the same process", () => {
  it("is started in chat by a lead of the first, and someone of neither school cannot start one here", async () => {
    const stranger = await h.slack.command(PEOPLE.stranger, "setup school Rival Academy", { channel: "C1GENERAL1" });
    expect(stranger.json().text).toMatch(/already has a school on homevisit/);

    const made = await h.slack.command(PEOPLE.dsl, "setup school Oak Primary", { channel: "C1GENERAL1" });
    expect(made.json().text).toMatch(
      /Oak Primary is set up on homevisit \(id oak-primary\), with you as its admin; this channel is now Oak Primary's/,
    );
    const found = await h.app.schools.get("oak-primary");
    if (!found) throw new Error("Oak Primary was not created");
    oak = found;
    expect(oak.directory.staff.map((p) => [p.slack, p.roles])).toEqual([[PEOPLE.dsl, ["admin"]]]);

    // Where Oak was started is Oak's: there its admin gives Oak's people their roles.
    const grants: [string, string][] = [
      [OAK_PEOPLE.dsl, "dsl"],
      [OAK_PEOPLE.requester, "staff"],
      [OAK_PEOPLE.second, "staff"],
      ["U1OFFI004", "office"],
    ];
    for (const [user, role] of grants) {
      h.stub.addUser(user, { realName: `Oak ${role} ${user.slice(-3)}`, email: `${user.toLowerCase()}@oak.example` });
      const answer = await h.slack.command(PEOPLE.dsl, `admin grant <@${user}> ${role}`, { channel: "C1GENERAL1" });
      await h.settle();
      expect(answer.json().text).toMatch(new RegExp(`${role}`));
    }
    expect(
      oak.directory.staff.map((p) => [p.slack, p.roles.includes(grants.find(([u]) => u === p.slack)?.[1] ?? "admin")]),
    ).toEqual([[PEOPLE.dsl, true], ...grants.map(([user]) => [user, true])]);
    // The first school is unchanged.
    expect(h.app.ctx.directory.staff.some((p) => p.slack === OAK_PEOPLE.dsl)).toBe(false);
  });

  it("has its channels set in chat, and cannot take the first school's", async () => {
    for (const [role, channel] of Object.entries(OAK)) {
      const answer = await h.slack.command(OAK_PEOPLE.dsl, `setup ${role}`, { channel });
      expect(answer.json().text).toMatch(new RegExp(`this channel now gets homevisit's ${role} messages`));
    }
    // In the first school's channel, Oak's DSL is a stranger to that school: the channel stays its.
    const taken = await h.slack.command(OAK_PEOPLE.dsl, "setup approvals", { channel: CHANNELS.approvals });
    expect(taken.json().text).toMatch(/not in this school's homevisit staff directory/);
    expect(await oak.store.getChannelBinding("slack", "approvals")).toMatchObject({ channel: OAK.approvals });
  });

  it("runs a whole visit in its own channels beside the first school's, and neither can touch the other's", async () => {
    h.app.clock.set(SCHOOL_MORNING);
    h.stub.reset();
    const home = await h.requestVisit(validRequestValues({ pupil_name: "Hana Home" }));

    const view = await h.openRequestForm(OAK_PEOPLE.requester);
    const reply = await h.slack.submitView(
      OAK_PEOPLE.requester,
      view,
      validRequestValues({
        pupil_name: "Olly Oak",
        second_staff: oak.directory.staff.find((p) => p.slack === OAK_PEOPLE.second)?.id,
        // Filip joined Oak in chat a minute ago: the form asks for his mobile, which nobody has yet.
        second_mobile: "07700 900206",
      }),
    );
    expect(reply.status).toBe(200);
    expect(reply.text).toBe("");
    await h.settle();
    const [visit] = await oak.store.listVisits({});
    if (!visit) throw new Error("Oak's request made no visit");
    expect((await h.app.ctx.store.listVisits({})).map((v) => v.id)).toEqual([home.id]);

    // Each card in its own school's approvals channel.
    expect(said(OAK.approvals)).toContain("Olly Oak");
    expect(said(CHANNELS.approvals)).not.toContain("Olly Oak");
    expect(said(OAK.approvals)).not.toContain("Hana Home");

    // The first school's DSL cannot approve Oak's visit, even pressing a button forged with its id.
    await h.slack.click(PEOPLE.dsl, "visit_approve", visit.id, { channel: CHANNELS.approvals });
    await h.settle();
    expect((await oak.store.getVisit(visit.id))?.status).toBe("requested");

    const card = h.stub.calls.find((c) => c.method === "chat.postMessage" && c.params.channel === OAK.approvals);
    if (!card) throw new Error("no Oak card");
    await h.slack.click(OAK_PEOPLE.dsl, "visit_approve", visit.id, { channel: OAK.approvals, ts: tsOf(card) });
    await h.settle();
    expect((await oak.store.getVisit(visit.id))?.status).toBe("approved");
    const thread = await oak.store.getMessageRef(visit.id, "slack", "thread");
    expect(thread?.channel).toBe(OAK.visits);

    await h.slack.message(OAK_PEOPLE.requester, OAK.visits, "leaving", thread?.ts);
    await h.settle();
    expect((await oak.store.getVisit(visit.id))?.status).toBe("under_way");

    // Nobody answers the check-in: the shared tick runs Oak's ladder to Oak's alerts channel.
    h.stub.reset();
    h.app.clock.advanceMinutes(60);
    await h.app.tick();
    h.app.clock.advanceMinutes(30);
    await h.app.tick();
    expect(said(OAK.alerts)).toMatch(new RegExp(visit.id));
    expect(said(CHANNELS.alerts)).not.toMatch(new RegExp(visit.id));

    // The code word in Oak's thread: the alarm goes to Oak's alerts, never to the first school's.
    h.stub.reset();
    await h.slack.message(OAK_PEOPLE.second, OAK.visits, CODE_WORD, thread?.ts);
    await h.settle();
    expect(said(OAK.alerts)).toMatch(/CODE WORD used by Oak staff 006/);
    expect(said(OAK_PEOPLE.dsl)).toMatch(/CODE WORD used by Oak staff 006/);
    expect(said(CHANNELS.alerts)).toBe("");
    expect(said(PEOPLE.dsl)).toBe("");
    expect(await h.app.ctx.store.listAudit(visit.id)).toEqual([]);
  });

  it("someone in both schools, out on the second school's visit, raises its alarm by direct message", async () => {
    // Filip of the first school also works for Oak (a trust's attendance officer, say).
    h.stub.addUser(PEOPLE.second, { realName: "Filip Nowak", email: "f.nowak@trust.example" });
    await h.slack.command(PEOPLE.dsl, `admin grant <@${PEOPLE.second}> staff`, { channel: "C1GENERAL1" });
    const filip = oak.directory.staff.find((p) => p.slack === PEOPLE.second)?.id;
    expect(filip).toBeTruthy();
    expect(h.app.ctx.directory.staff.some((p) => p.slack === PEOPLE.second)).toBe(true);

    h.app.clock.set(SCHOOL_MORNING);
    h.stub.reset();
    const view = await h.openRequestForm(OAK_PEOPLE.requester);
    await h.slack.submitView(
      OAK_PEOPLE.requester,
      view,
      validRequestValues({ pupil_name: "Ola Oak", second_staff: filip, second_mobile: "07700 900207" }),
    );
    await h.settle();
    const visit = (await oak.store.listVisits({})).find((v) => v.request.pupil.name === "Ola Oak");
    if (!visit) throw new Error("no second Oak visit");
    const card = h.stub.calls.find(
      (c) => c.method === "chat.postMessage" && c.params.channel === OAK.approvals && c.content.includes(visit.id),
    );
    await h.slack.click(OAK_PEOPLE.dsl, "visit_approve", visit.id, { channel: OAK.approvals, ts: card ? tsOf(card) : "" });
    await h.settle();
    const thread = await oak.store.getMessageRef(visit.id, "slack", "thread");
    await h.slack.message(OAK_PEOPLE.requester, OAK.visits, "leaving", thread?.ts);
    await h.settle();

    h.stub.reset();
    await h.slack.message(PEOPLE.second, "D0FILIP001", `${CODE_WORD}.`);
    await h.settle();
    expect(said(OAK.alerts)).toMatch(new RegExp(`CODE WORD used by Filip Nowak[\\s\\S]*${visit.id}`));
    expect(said(CHANNELS.alerts)).toBe("");
  });
});
