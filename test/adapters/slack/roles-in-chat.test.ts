import { afterEach, describe, expect, it } from "vitest";
import { findStaff } from "../../../src/domain/school-directory.js";
import { createTestDatabase } from "../../support/test-database.js";
import { PEOPLE, type SlackHarness, startSlackHarness, validRequestValues } from "./support/slack-harness.js";

/**
 * People and roles without hand-typed ids: the headteacher (Carys Morgan, the demo school's admin)
 * grants and takes roles with /homevisit admin, mentioning people as Slack sends them (<@U…|name>).
 */
let h: SlackHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function start(env: Record<string, string> = {}): Promise<SlackHarness> {
  h = await startSlackHarness({ env });
  return h;
}

/** The ephemeral answer to a slash command (at once, or through response_url when it took longer). */
async function ask(harness: SlackHarness, user: string, text: string): Promise<string> {
  const before = harness.stub.callsTo("response_url").length;
  const reply = await harness.slack.command(user, text);
  expect(reply.status).toBe(200);
  await harness.settle();
  const said = reply.text ? String(reply.json().text ?? "") : "";
  if (said && said !== "Working on it…") return said;
  const late = harness.stub.callsTo("response_url").slice(before).pop();
  return String(late?.params.text ?? "");
}

const dmsTo = (harness: SlackHarness, user: string) =>
  harness.stub.callsTo("chat.postMessage").filter((c) => c.params.channel === user);

describe("/homevisit admin", () => {
  it("an admin grants a role; the person can use it at once, the DSL is told, and it is audited", async () => {
    const s = await start();
    const answer = await ask(s, PEOPLE.head, `admin grant <@${PEOPLE.office}|dev> deputy_dsl`);
    expect(answer).toMatch(/^Done\. Dev Shah now has the role deputy_dsl \(a deputy DSL\)/);
    expect(dmsTo(s, PEOPLE.dsl).some((c) => c.content.includes("Dev Shah now has the role deputy_dsl"))).toBe(true);
    const audit = (await s.app.ctx.store.listAudit(null)).filter((e) => e.action === "role_granted");
    expect(audit).toEqual([
      expect.objectContaining({
        actorId: "c.morgan",
        platform: "slack",
        detail: expect.objectContaining({ staffId: "d.shah", role: "deputy_dsl" }),
      }),
    ]);
    // Dev (office until now) approves a visit card straight away.
    const visit = await s.requestVisit();
    expect((await s.approve(visit.id, PEOPLE.office)).status).toBe("approved");
    // Kept in the database, not only in this instance.
    const stored = await s.app.ctx.store.schools.get(s.app.ctx.store.school);
    expect(stored && findStaff(stored.directory, "d.shah")?.roles).toEqual(["office", "deputy_dsl"]);
  }, 90_000);

  it("refuses someone who is not an admin, naming the admins, and changes nothing", async () => {
    const s = await start();
    const answer = await ask(s, PEOPLE.dsl, `admin grant <@${PEOPLE.requester}|erin> dsl`);
    expect(answer).toMatch(/Only a homevisit admin can see or change roles\. Ask Carys Morgan \(homevisit admin\)/);
    expect(findStaff(s.app.ctx.directory, "e.walsh")?.roles).toEqual(["staff"]);
    expect((await s.app.ctx.store.listAudit(null)).filter((e) => e.action.startsWith("role_"))).toEqual([]);
  });

  it("a mistyped role lists the roles there are; a role held already, or the last DSL, is said plainly", async () => {
    const s = await start();
    const typo = await ask(s, PEOPLE.head, `admin grant <@${PEOPLE.office}> deputy-dsl`);
    expect(typo).toMatch(/There is no role "deputy-dsl"\. The roles are: .*\bdeputy_dsl\b/);
    expect(typo).toContain("headteacher");
    expect(await ask(s, PEOPLE.head, `admin grant <@${PEOPLE.dsl}|ada> dsl`)).toBe(
      "Ada Okafor already has the role dsl: nothing changed.",
    );
    expect(await ask(s, PEOPLE.head, `admin revoke <@${PEOPLE.dsl}|ada> dsl`)).toMatch(
      /Ada Okafor is the only person with the role dsl .* give it to someone else first/,
    );
    expect(findStaff(s.app.ctx.directory, "a.okafor")?.roles).toEqual(["dsl"]);
    expect(dmsTo(s, PEOPLE.dsl)).toEqual([]);
  });

  it("revoke takes a role away once someone else holds it: Ben can no longer approve", async () => {
    const s = await start();
    // The policy names deputy_dsl among the approvers, so its last holder keeps it…
    expect(await ask(s, PEOPLE.head, `admin revoke <@${PEOPLE.deputy}|ben> deputy_dsl`)).toMatch(
      /only person with the role deputy_dsl .* the policy names in approval\.approverRoles/,
    );
    // …until someone else has it.
    await ask(s, PEOPLE.head, `admin grant <@${PEOPLE.office}> deputy_dsl`);
    expect(await ask(s, PEOPLE.head, `admin revoke <@${PEOPLE.deputy}|ben> deputy_dsl`)).toMatch(
      /^Done\. Ben Hughes no longer has the role deputy_dsl/,
    );
    const visit = await s.requestVisit();
    expect((await s.approve(visit.id, PEOPLE.deputy)).status).toBe("requested");
  }, 90_000);

  it("someone mentioned who is not in the directory is added with their Slack name and email", async () => {
    const s = await start();
    s.stub.addUser("U0NEWOFF01", { realName: "Nia Jones", email: "nia.jones@oak.sch.uk" });
    const answer = await ask(s, PEOPLE.head, "admin grant <@U0NEWOFF01|nia> office");
    expect(answer).toMatch(
      /Nia Jones \(n\.jones\) was added to the staff directory from Slack\. Nia Jones now has the role office/,
    );
    expect(s.stub.callsTo("users.info").map((c) => c.params.user)).toEqual(["U0NEWOFF01"]);
    expect(findStaff(s.app.ctx.directory, "n.jones")).toMatchObject({
      name: "Nia Jones",
      slack: "U0NEWOFF01",
      email: "nia.jones@oak.sch.uk",
      roles: ["staff", "office"],
    });
    // The office lists every visit: Nia can, at once.
    expect(await ask(s, "U0NEWOFF01", "list")).not.toMatch(/only approvers and the school office/);
    expect(await ask(s, PEOPLE.head, "admin roles")).toContain("Nia Jones (n.jones): staff, office");
  });

  it("help lists the admin commands for admins only", async () => {
    const s = await start();
    expect(await ask(s, PEOPLE.head, "help")).toContain("homevisit admin grant @person deputy_dsl");
    expect(await ask(s, PEOPLE.requester, "help")).not.toContain("admin grant");
  });

  it("a grant survives a restart while SCHOOL_FILE is unchanged", async () => {
    const db = await createTestDatabase();
    try {
      const first = await startSlackHarness({ db });
      await ask(first, PEOPLE.head, `admin grant <@${PEOPLE.requester}> office`);
      await first.close();
      const again = await startSlackHarness({ db });
      h = again;
      expect(findStaff(again.app.ctx.directory, "e.walsh")?.roles).toEqual(["staff", "office"]);
    } finally {
      await h?.close();
      h = undefined;
      await db.drop();
    }
  });
});

describe("who may use homevisit", () => {
  it("listed (the default): someone unknown is told who the admins are", async () => {
    const s = await start();
    s.stub.addUser(PEOPLE.stranger, { realName: "Sam Visitor" });
    expect(await ask(s, PEOPLE.stranger, "status")).toBe(
      "You are not in this school's homevisit staff directory. Ask Carys Morgan (homevisit admin) to add you to the staff directory.",
    );
    expect(s.stub.callsTo("users.info")).toEqual([]);
  });

  it("any_member: a new member of the workspace requests a visit, and is recorded with the email from users.info", async () => {
    const s = await start();
    expect(await ask(s, PEOPLE.head, "admin join any_member")).toMatch(/Anyone in the workspace who uses homevisit now joins/);
    s.stub.addUser("U0NEWTEACH", { realName: "Tom Price", email: "t.price@oak.sch.uk" });
    const visit = await s.requestVisit(validRequestValues(), "U0NEWTEACH");
    expect(visit.requesterId).toBe("t.price");
    expect(visit.status).toBe("requested");
    expect(findStaff(s.app.ctx.directory, "t.price")).toMatchObject({
      slack: "U0NEWTEACH",
      email: "t.price@oak.sch.uk",
      roles: ["staff"],
    });
    const added = (await s.app.ctx.store.listAudit(null)).find((e) => e.action === "person_added");
    expect(added).toMatchObject({ actor: "Tom Price", detail: { staffId: "t.price", via: "joined" } });
    // Joining gives nothing more than staff: Tom cannot list everyone's visits.
    expect(await ask(s, "U0NEWTEACH", "list")).toMatch(/only approvers and the school office/);
    expect(s.stub.callsTo("users.info").length).toBe(1);
  }, 90_000);
});

describe("roles that follow a Slack user group", () => {
  it("bind gives the group's members the role; a change in the group is followed, audited and told", async () => {
    const s = await start();
    s.stub.setGroup("S0DSLTEAM1", "dsl-team", [PEOPLE.dsl, PEOPLE.deputy]);
    const bound = await ask(s, PEOPLE.head, "admin bind dsl <!subteam^S0DSLTEAM1|@dsl-team>");
    expect(bound).toMatch(/The role dsl now follows the group @dsl-team.*Ben Hughes now has the role dsl/);
    expect(findStaff(s.app.ctx.directory, "b.hughes")?.roles).toContain("dsl");

    // Ada leaves the group, and someone new joins it.
    s.stub.addUser("U0NEWDSL01", { realName: "Rhys Evans", email: "r.evans@oak.sch.uk" });
    s.stub.setGroup("S0DSLTEAM1", "dsl-team", [PEOPLE.deputy, "U0NEWDSL01"]);
    s.stub.reset();
    expect(await ask(s, PEOPLE.head, "admin sync")).toMatch(/^Done: 3 changes/);
    expect(s.stub.callsTo("usergroups.users.list").map((c) => c.params.usergroup)).toEqual(["S0DSLTEAM1"]);
    expect(findStaff(s.app.ctx.directory, "a.okafor")?.roles).toEqual([]);
    expect(findStaff(s.app.ctx.directory, "r.evans")).toMatchObject({ roles: ["staff", "dsl"], slack: "U0NEWDSL01" });
    const audit = (await s.app.ctx.store.listAudit(null)).filter((e) => e.platform === "system");
    expect(audit.map((e) => [e.action, e.detail.staffId])).toEqual([
      ["person_added", "r.evans"],
      ["role_granted", "r.evans"],
      ["role_revoked", "a.okafor"],
    ]);
    expect(dmsTo(s, PEOPLE.deputy).some((c) => c.content.includes("Ada Okafor no longer has the role dsl"))).toBe(true);
    // Nothing changed since: nothing said.
    expect(await ask(s, PEOPLE.head, "admin sync")).toBe("The groups and the roles agree: nothing changed.");
  });

  it("a group that would leave nobody as DSL does not take the role from the last one", async () => {
    const s = await start();
    s.stub.setGroup("S0DSLTEAM2", "dsl-team", [PEOPLE.dsl]);
    await ask(s, PEOPLE.head, "admin bind dsl @dsl-team");
    expect(s.stub.callsTo("usergroups.list").length).toBe(1);
    s.stub.setGroup("S0DSLTEAM2", "dsl-team", []);
    expect(await ask(s, PEOPLE.head, "admin sync")).toBe("The groups and the roles agree: nothing changed.");
    expect(findStaff(s.app.ctx.directory, "a.okafor")?.roles).toEqual(["dsl"]);
  });
});
