import { afterEach, describe, expect, it } from "vitest";
import { findStaff } from "../../../src/domain/school-directory.js";
import { validRequestValues } from "../shared/visit-request.js";
import { BOT, channel, messageActivity, PEOPLE, type Person, personalChat, TEAM } from "./support/activities.js";
import { startTeamsHarness, type TeamsHarness } from "./support/teams-harness.js";

/**
 * Roles in Teams: the admin @mentions the bot and the person in a team channel, as Teams sends it
 * (`<at>homevisit</at> admin grant <at>Dev Shah</at> deputy_dsl` with a mention entity each).
 */
let h: TeamsHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function start(): Promise<TeamsHarness> {
  h = await startTeamsHarness();
  return h;
}

interface Mentioned {
  id: string;
  name: string;
  aadObjectId?: string;
}

/** An @homevisit message in the team's General channel that also @mentions `person`. */
function mentioning(harness: TeamsHarness, from: Person, before: string, person: Mentioned, after: string) {
  const activity = messageActivity(harness.stub.url, from, channel(TEAM.id), "");
  const at = `<at>${person.name}</at>`;
  return {
    ...activity,
    text: `<at>${BOT.name}</at> ${before} ${at} ${after}`,
    entities: [
      { type: "mention", text: `<at>${BOT.name}</at>`, mentioned: { id: BOT.id, name: BOT.name } },
      { type: "mention", text: at, mentioned: person },
      ...activity.entities,
    ],
  };
}

/** Every text the bot sent since `from` (answers go to the admin's 1:1 chat). */
const textsSince = (harness: TeamsHarness, from: number) =>
  harness.stub.calls
    .slice(from)
    .map((c) => c.text)
    .join("\n");

describe("Teams: /homevisit admin", () => {
  it("grants a role to someone @mentioned (looked up in the conversation for their object id); the DSL is told", async () => {
    const s = await start();
    s.stub.addMember({ id: PEOPLE.office.id, name: PEOPLE.office.name, aadObjectId: PEOPLE.office.aad });
    const before = s.stub.calls.length;
    const res = await s.post(mentioning(s, PEOPLE.head, "admin grant", { id: PEOPLE.office.id, name: "Dev Shah" }, "deputy_dsl"));
    expect(res.status).toBe(200);
    await s.settle();
    expect(textsSince(s, before)).toContain("Done. Dev Shah now has the role deputy_dsl");
    expect(s.stub.calls.some((c) => c.method === "GET" && c.path.endsWith(`/members/${PEOPLE.office.id}`))).toBe(true);
    expect(findStaff(s.app.ctx.directory, "d.shah")?.roles).toEqual(["office", "deputy_dsl"]);
    // The DSL hears of it in Teams.
    expect(textsSince(s, before)).toMatch(/staff directory changed \(Carys Morgan\)[\s\S]*Dev Shah now has the role deputy_dsl/);
    const audit = (await s.app.ctx.store.listAudit(null)).find((e) => e.action === "role_granted");
    expect(audit).toMatchObject({ actorId: "c.morgan", platform: "teams", detail: { staffId: "d.shah" } });
    // Dev approves at once.
    const visit = await s.requestVisit();
    const press = await s.press("office", "visit_approve", visit.id);
    expect(press.accepted).toBe(true);
    expect((await s.visit(visit.id)).status).toBe("approved");
  }, 90_000);

  it("someone new, mentioned with their object id, is added under their Teams name", async () => {
    const s = await start();
    const newcomer = { id: "29:1new-person", name: "Priya Patel", aadObjectId: "11111111-2222-4333-8444-555555555555" };
    const before = s.stub.calls.length;
    await s.post(mentioning(s, PEOPLE.head, "admin grant", newcomer, "office"));
    await s.settle();
    expect(textsSince(s, before)).toContain("Priya Patel (p.patel) was added to the staff directory from Teams");
    expect(findStaff(s.app.ctx.directory, "p.patel")).toMatchObject({ teams: newcomer.aadObjectId, roles: ["staff", "office"] });
  });

  it("someone who is not an admin is refused", async () => {
    const s = await start();
    const before = s.stub.calls.length;
    await s.post(
      mentioning(
        s,
        PEOPLE.requester,
        "admin grant",
        { id: PEOPLE.requester.id, name: "Erin Walsh", aadObjectId: PEOPLE.requester.aad },
        "dsl",
      ),
    );
    await s.settle();
    expect(textsSince(s, before)).toMatch(/Only a homevisit admin can see or change roles\. Ask Carys Morgan/);
    expect(findStaff(s.app.ctx.directory, "e.walsh")?.roles).toEqual(["staff"]);
  });
});

describe("Teams: who may use homevisit", () => {
  it("listed: a stranger is told whom to ask", async () => {
    const s = await start();
    const before = s.stub.calls.length;
    await s.say(PEOPLE.stranger, personalChat(PEOPLE.stranger), "homevisit");
    expect(textsSince(s, before)).toMatch(
      /not in this school's homevisit staff directory\. Ask Carys Morgan \(homevisit admin\)/,
    );
    expect(findStaff(s.app.ctx.directory, "s.visitor")).toBeUndefined();
  });

  it("any_member: someone new is recognised by their aadObjectId and requests a visit", async () => {
    const s = await start();
    expect(await s.command("head", "admin join any_member")).toMatch(/Anyone in the workspace who uses homevisit now joins/);
    const visit = await s.requestVisit(validRequestValues(), "stranger");
    expect(visit.requesterId).toBe("s.visitor");
    expect(findStaff(s.app.ctx.directory, "s.visitor")).toMatchObject({
      name: "Sam Visitor",
      teams: PEOPLE.stranger.aad,
      roles: ["staff"],
    });
    const added = (await s.app.ctx.store.listAudit(null)).find((e) => e.action === "person_added");
    expect(added).toMatchObject({ platform: "teams", detail: { staffId: "s.visitor", via: "joined" } });
  }, 90_000);
});
