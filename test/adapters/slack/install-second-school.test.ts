import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCHOOL_MORNING } from "../../support/test-clock.js";
import { BOT, type GrantedWorkspace } from "./support/slack-api-stub.js";
import { messageText } from "./support/slack-driver.js";
import { CODE_WORD, type SlackHarness, startSlackHarness, tsOf, validRequestValues } from "./support/slack-harness.js";
import { finishInstall } from "./support/slack-install.js";

/**
 * A council's deployment, already serving one school, gets a second school from its own Slack
 * workspace: "Add to Slack", `setup school`, roles and channels in chat, then a whole visit, all
 * through the HTTP routes, with no restart and no file touched. Its messages go with its own token.
 */
const HOME: GrantedWorkspace = {
  teamId: BOT.teamId,
  teamName: "Our school",
  token: `xoxb-home-${randomUUID()}`,
  botUserId: "U0OAUTHBOT",
  botId: "B0OAUTHBOT",
  installer: "U0ITADMIN1",
};
const PINE: GrantedWorkspace = {
  teamId: "T0PINE0001",
  teamName: "Pine Primary",
  token: `xoxb-pine-${randomUUID()}`,
  botUserId: "U0PINEBOT",
  botId: "B0PINEBOT",
  installer: "U2ITADMIN",
};
const team = PINE.teamId;
const CH = { general: "C2GENERAL1", approvals: "C2APPROVAL", visits: "C2VISITS01", alerts: "C2ALERTS01", records: "C2RECORDS1" };
const P = { dsl: "U2DSL0001", lead: "U2STAF005", second: "U2STAF006", office: "U2OFFI004" };

let h: SlackHarness;
beforeAll(async () => {
  h = await startSlackHarness({ oauth: true });
});
afterAll(async () => {
  await h?.close();
});

const answer = async (user: string, text: string, channel: string) =>
  String((await h.slack.command(user, text, { channel, team })).json().text ?? "");
const postsTo = (channel: string) => h.stub.calls.filter((c) => c.method === "chat.postMessage" && c.params.channel === channel);

describe("a second school installed from its own Slack workspace", () => {
  it("is added, set up and runs a visit with no restart", async () => {
    expect((await finishInstall(h, HOME)).status).toBe(200);
    expect((await finishInstall(h, PINE)).status).toBe(200);
    // The first workspace installed is the first school's; the second is nobody's until someone says.
    expect(await h.app.ctx.store.schools.workspacesOf(h.app.ctx.store.school, "slack")).toEqual([HOME.teamId]);

    expect(await answer(PINE.installer, "setup school Pine Primary", CH.general)).toMatch(
      /Pine Primary is set up on homevisit \(id pine-primary\), with you as its admin/,
    );
    const pine = await h.app.schools.get("pine-primary");
    if (!pine) throw new Error("Pine Primary was not created");

    const roles: [string, string][] = [
      [P.dsl, "dsl"],
      [P.lead, "staff"],
      [P.second, "staff"],
      [P.office, "office"],
    ];
    for (const [user, role] of roles) {
      h.stub.addUser(user, { realName: `Pine ${role} ${user.slice(-1)}`, email: `${user.toLowerCase()}@pine.example` });
      expect(await answer(PINE.installer, `admin grant <@${user}> ${role}`, CH.general)).toMatch(new RegExp(role));
    }
    for (const role of ["approvals", "visits", "alerts", "records"] as const)
      expect(await answer(P.dsl, `setup ${role}`, CH[role])).toMatch(new RegExp(`now gets homevisit's ${role} messages`));

    h.app.clock.set(SCHOOL_MORNING);
    h.stub.reset();
    const triggerId = `trigger-${randomUUID()}`;
    await h.slack.command(P.lead, "", { triggerId, team, channel: CH.general });
    const open = await h.stub.waitFor((c) => c.method === "views.open" && c.params.trigger_id === triggerId);
    expect(open.authorization).toBe(`Bearer ${PINE.token}`);
    const second = pine.directory.staff.find((p) => p.slack === P.second)?.id;
    const values = validRequestValues({ pupil_name: "Poppy Pine", second_staff: second, second_mobile: "07700 900406" });
    const submitted = await h.slack.submitView(P.lead, open.params.view as Record<string, unknown>, values, { team });
    expect(submitted.text).toBe("");
    await h.settle();
    const [visit] = await pine.store.listVisits({});
    if (!visit) throw new Error("no visit in Pine Primary");
    expect(await h.app.ctx.store.listVisits({})).toEqual([]);

    const [card] = postsTo(CH.approvals);
    expect(card && messageText(card.params)).toContain("Poppy Pine");
    expect(card?.authorization).toBe(`Bearer ${PINE.token}`);
    await h.slack.click(P.dsl, "visit_approve", visit.id, { channel: CH.approvals, ts: card ? tsOf(card) : "", team });
    await h.settle();
    expect((await pine.store.getVisit(visit.id))?.status).toBe("approved");
    const thread = await pine.store.getMessageRef(visit.id, "slack", "thread");
    expect(thread).toMatchObject({ channel: CH.visits, team });

    await h.slack.message(P.lead, CH.visits, "leaving", thread?.ts, { team });
    await h.settle();
    expect((await pine.store.getVisit(visit.id))?.status).toBe("under_way");
    await h.slack.message(P.second, CH.visits, CODE_WORD, thread?.ts, { team });
    await h.settle();
    const alarm = postsTo(CH.alerts).find((c) => messageText(c.params).includes("CODE WORD"));
    expect(alarm?.authorization).toBe(`Bearer ${PINE.token}`);
    // Nothing of Pine's went out with the first school's token.
    expect(
      h.stub.calls.filter((c) => c.content.includes(visit.id)).every((c) => c.authorization !== `Bearer ${HOME.token}`),
    ).toBe(true);

    await h.slack.message(P.lead, CH.visits, "back", thread?.ts, { team });
    await h.settle();
    expect((await pine.store.getVisit(visit.id))?.status).not.toBe("under_way");
  });
});
