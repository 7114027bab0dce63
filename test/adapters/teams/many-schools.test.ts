import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../../../src/app/ports.js";
import { SCHOOL_MORNING } from "../../support/test-clock.js";
import {
  type Conversation,
  cardActionActivity,
  channel,
  messageActivity,
  PEOPLE,
  type Person,
  personalChat,
  TEAM,
  teamInstallActivity,
  thread,
} from "./support/activities.js";
import { startTeamsHarness, type TeamsHarness, toCardInputs, validRequestValues } from "./support/teams-harness.js";

/**
 * A trust's tenant with a team per school, served by one homevisit: a team added later asks which
 * school it is for, a new school is started from its team, and a visit runs in that team's
 * channels, apart from the first school's.
 */
const ELM_TEAM = "19:elm-general@thread.tacv2";
const OTHER_TEAM = "19:birch-general@thread.tacv2";
const ELM = { approvals: "19:elm-approvals@thread.tacv2", visits: "19:elm-visits@thread.tacv2" } as const;
const elmPerson = (staffId: string, n: string, name: string): Person => ({
  staffId,
  aad: `11111111-0000-4000-8000-0000000000${n}`,
  id: `29:2elm-${n}`,
  name,
});
const ELM_PEOPLE = {
  dsl: elmPerson("o.dsl", "01", "Elm Dsl"),
  requester: elmPerson("e.walsh", "05", "Elm Erin"),
  second: elmPerson("f.nowak", "06", "Elm Filip"),
} as const;

let h: TeamsHarness;
let elm: AppContext;
beforeAll(async () => {
  h = await startTeamsHarness();
});
afterAll(async () => {
  await h?.close();
});

/** An activity as Teams sends it from a channel of another team. */
function inTeam<T extends { channelData: Record<string, unknown> }>(team: string, activity: T): T {
  return { ...activity, channelData: { ...activity.channelData, teamsTeamId: team, team: { id: team } } };
}
const sayIn = (team: string, who: Person, where: Conversation, text: string) =>
  h.post(inTeam(team, messageActivity(h.stub.url, who, where, text, { mention: true })));
const textsTo = (conversation: string) =>
  h.stub.calls.filter((c) => c.conversation.split(";")[0] === conversation).map((c) => c.text);

describe("one homevisit, a team per school", () => {
  it("starts a new school from its team, with the person typing as its admin", async () => {
    // Added to a second team: the first team is the one school's, so this one is asked about.
    await h.post({
      ...teamInstallActivity(h.stub.url, PEOPLE.dsl),
      conversation: { id: ELM_TEAM, conversationType: "channel", isGroup: true, tenantId: "t" },
      channelData: { eventType: "teamMemberAdded", team: { id: ELM_TEAM, name: "Elm" } },
    });
    expect(textsTo(ELM_TEAM).join("\n")).toMatch(/Which school is this for\?/);
    const res = await sayIn(ELM_TEAM, PEOPLE.dsl, channel(ELM_TEAM), "setup school Elm Academy");
    expect(res.status).toBe(200);
    expect(textsTo(ELM_TEAM).join("\n")).toMatch(/Elm Academy is set up on homevisit \(id elm-academy\), with you as its admin/);
    const found = await h.app.schools.get("elm-academy");
    if (!found) throw new Error("Elm Academy was not created");
    elm = found;
    expect(elm.directory.staff).toMatchObject([{ roles: ["admin"], teams: PEOPLE.dsl.aad }]);
  });

  it("asks a newly added team which school it is for, and links it when an admin says", async () => {
    await h.post({
      ...teamInstallActivity(h.stub.url, PEOPLE.head),
      conversation: { id: OTHER_TEAM, conversationType: "channel", isGroup: true, tenantId: "t" },
      channelData: { eventType: "teamMemberAdded", team: { id: OTHER_TEAM, name: "Birch" } },
    });
    expect(textsTo(OTHER_TEAM).join("\n")).toMatch(/Which school is this for\?[\s\S]*Our school, Elm Academy/);

    await sayIn(OTHER_TEAM, PEOPLE.requester, channel(OTHER_TEAM), "setup school Elm Academy");
    expect(textsTo(OTHER_TEAM).at(-1)).toMatch(/Only an admin, the DSL or the headteacher of Elm Academy/);
    await sayIn(OTHER_TEAM, PEOPLE.dsl, channel(OTHER_TEAM), "setup school Elm Academy");
    expect(textsTo(OTHER_TEAM).at(-1)).toMatch(/this team is now Elm Academy's/);
    expect((await h.app.ctx.store.schools.workspacesOf("elm-academy", "teams")).sort()).toEqual([OTHER_TEAM, ELM_TEAM].sort());
  });

  it("runs a visit in the new school's channels, which the first school never sees", async () => {
    // In the team where Elm was started, its admin gives Elm's people their roles, @mentioning each.
    for (const [who, role] of [
      [ELM_PEOPLE.dsl, "dsl"],
      [ELM_PEOPLE.requester, "staff"],
      [ELM_PEOPLE.second, "staff"],
    ] as const) {
      const activity = inTeam(ELM_TEAM, messageActivity(h.stub.url, PEOPLE.dsl, channel(ELM_TEAM), ""));
      const at = `<at>${who.name}</at>`;
      await h.post({
        ...activity,
        text: `<at>homevisit</at> admin grant ${at} ${role}`,
        entities: [
          { type: "mention", text: "<at>homevisit</at>", mentioned: activity.recipient },
          { type: "mention", text: at, mentioned: { id: who.id, name: who.name, aadObjectId: who.aad } },
        ],
      });
      await h.app.flush();
    }
    expect(elm.directory.staff.map((p) => p.teams)).toEqual([
      PEOPLE.dsl.aad,
      ELM_PEOPLE.dsl.aad,
      ELM_PEOPLE.requester.aad,
      ELM_PEOPLE.second.aad,
    ]);
    expect(h.app.ctx.directory.staff.some((p) => p.teams === ELM_PEOPLE.dsl.aad)).toBe(false);
    for (const [role, id] of Object.entries(ELM)) {
      await sayIn(ELM_TEAM, ELM_PEOPLE.dsl, channel(id), `setup ${role}`);
      expect(textsTo(id).at(-1)).toMatch(new RegExp(`this channel now gets homevisit's ${role} messages`));
    }

    h.app.clock.set(SCHOOL_MORNING);
    h.stub.reset();
    // The request from Erin of Elm in her 1:1 chat (no team there: she is known by her Entra id).
    const chat = personalChat(ELM_PEOPLE.requester);
    await h.post(messageActivity(h.stub.url, ELM_PEOPLE.requester, chat, "homevisit"));
    const form = h.stub.calls.find((c) => c.conversation === chat.id && c.card);
    if (!form) throw new Error("no form in Elm Erin's chat");
    const second = elm.directory.staff.find((p) => p.teams === ELM_PEOPLE.second.aad)?.id;
    const values = toCardInputs(
      validRequestValues({ pupil_name: "Eli Elm", second_staff: second, second_mobile: "07700 900306" }),
    );
    const submitted = await h.post(
      cardActionActivity(h.stub.url, ELM_PEOPLE.requester, chat, String(form.response.id), "visit_submit", values),
    );
    expect(submitted.status).toBe(200);
    await h.app.flush();
    const [visit] = await elm.store.listVisits({});
    if (!visit) throw new Error("Elm's request made no visit");
    expect(await h.app.ctx.store.listVisits({})).toEqual([]);

    const card = h.stub.calls.find((c) => c.conversation === ELM.approvals && c.text.includes(visit.id));
    expect(card?.text).toContain("Eli Elm");
    expect(
      h.stub.calls.some(
        (c) => c.conversation.startsWith(TEAM.id) || (c.text.includes("Eli Elm") && !c.conversation.startsWith("19:elm")),
      ),
    ).toBe(false);

    // The first school's DSL presses Approve with Elm's visit id: no such visit in their school.
    await h.post(
      cardActionActivity(h.stub.url, PEOPLE.dsl, channel("19:approvals@thread.tacv2"), "1", "visit_approve", {
        visitId: visit.id,
      }),
    );
    expect((await elm.store.getVisit(visit.id))?.status).toBe("requested");

    const approved = await h.post(
      inTeam(
        ELM_TEAM,
        cardActionActivity(h.stub.url, ELM_PEOPLE.dsl, channel(ELM.approvals), String(card?.response.id), "visit_approve", {
          visitId: visit.id,
        }),
      ),
    );
    expect(approved.status).toBe(200);
    await h.app.flush();
    expect((await elm.store.getVisit(visit.id))?.status).toBe("approved");
    const root = await elm.store.getMessageRef(visit.id, "teams", "thread");
    expect(root?.channel).toBe(ELM.visits);

    await h.post(
      inTeam(
        ELM_TEAM,
        messageActivity(h.stub.url, ELM_PEOPLE.requester, thread(ELM.visits, String(root?.id)), "leaving", { mention: true }),
      ),
    );
    await h.app.flush();
    expect((await elm.store.getVisit(visit.id))?.status).toBe("under_way");
    await h.post(
      inTeam(
        ELM_TEAM,
        messageActivity(h.stub.url, ELM_PEOPLE.requester, thread(ELM.visits, String(root?.id)), "back", { mention: true }),
      ),
    );
    await h.app.flush();
    expect((await elm.store.getVisit(visit.id))?.status).not.toBe("under_way");
    expect(
      h.stub.calls
        .filter((c) => c.text.includes("Eli Elm"))
        .every((c) => c.conversation.startsWith("19:elm") || c.conversation.startsWith("a:")),
    ).toBe(true);
  });
});
