import { describe, expect, it } from "vitest";
import { loadPolicyFile } from "../../src/config/load-school.js";
import { followGroup } from "../../src/domain/group-roles.js";
import { addPerson, grantRole, revokeRole } from "../../src/domain/role-changes.js";
import { type Directory, directorySchema } from "../../src/domain/school-directory.js";

const policy = loadPolicyFile("policies/default.yaml");
const directory: Directory = directorySchema.parse({
  staff: [
    { id: "a.okafor", name: "Ada Okafor", roles: ["dsl", "admin"], slack: "U1" },
    { id: "b.hughes", name: "Ben Hughes", roles: ["deputy_dsl", "headteacher"], slack: "U2" },
    { id: "e.walsh", name: "Erin Walsh", roles: ["staff"], slack: "U3" },
  ],
  channels: {},
});

describe("granting and revoking roles", () => {
  it("a grant adds the role once; granting it again changes nothing", () => {
    const first = grantRole(directory, policy, "e.walsh", "office");
    expect(first.ok && first.value.events).toEqual([
      { type: "role_granted", staffId: "e.walsh", name: "Erin Walsh", role: "office", via: "admin" },
    ]);
    const again = first.ok ? grantRole(first.value.directory, policy, "e.walsh", "office") : first;
    expect(again.ok && again.value.events).toEqual([]);
  });

  it("an unknown role is refused with the valid ones; the last DSL and the last admin keep theirs", () => {
    const typo = grantRole(directory, policy, "e.walsh", "deputy-dsl");
    expect(!typo.ok && typo.error.code).toBe("unknown-role");
    expect(!typo.ok && typo.error.details.roles).toContain("deputy_dsl");
    for (const role of ["dsl", "admin"]) {
      const last = revokeRole(directory, policy, "a.okafor", role);
      expect(!last.ok && last.error.code).toBe("last-holder");
    }
    const shared = grantRole(directory, policy, "e.walsh", "dsl");
    const handedOver = shared.ok ? revokeRole(shared.value.directory, policy, "a.okafor", "dsl") : shared;
    expect(handedOver.ok && handedOver.value.directory.staff.find((p) => p.id === "a.okafor")?.roles).toEqual(["admin"]);
  });

  it("someone new gets an id from their name, never one that is taken", () => {
    const once = addPerson(directory, { platform: "slack", userId: "U9", name: "Erin Walsh" }, ["staff"], "joined");
    expect(once.person.id).toBe("e.walsh-2");
    expect(addPerson(directory, { platform: "teams", userId: "x", name: "Zoë Ng" }, ["staff"], "admin").person.id).toBe("z.ng");
  });
});

describe("a role that follows a group", () => {
  const group = { role: "dsl", slack: "S1" };
  it("members gain it, leavers lose it, and the last holder keeps it", () => {
    const followed = followGroup(directory, policy, group, ["U1", "U3"], []);
    expect(followed.events.map((e) => [e.type, "staffId" in e ? e.staffId : ""])).toEqual([["role_granted", "e.walsh"]]);
    const left = followGroup(followed.directory, policy, group, ["U3"], []);
    expect(left.events.map((e) => [e.type, "staffId" in e ? e.staffId : ""])).toEqual([["role_revoked", "a.okafor"]]);
    const empty = followGroup(left.directory, policy, group, [], []);
    expect(empty.events.map((e) => e.type)).toEqual(["role_kept"]);
    expect(empty.directory.staff.find((p) => p.id === "e.walsh")?.roles).toContain("dsl");
  });
});
