import { describe, expect, it } from "vitest";
import { schoolIdFor } from "../../src/domain/school.js";
import type { Directory } from "../../src/domain/school-directory.js";
import { pickSchool, type SchoolPlaces, schoolsOfSender } from "../../src/domain/school-routing.js";

const directory = (people: [string, string][], approvals?: string): Directory => ({
  staff: people.map(([id, slack]) => ({ id, name: id, roles: ["staff"], slack })),
  channels: { approvals: approvals ? { slack: approvals } : {}, visits: {}, alerts: {}, records: {} },
  staffJoin: "listed",
  groups: [],
});
const school = (id: string, d: Directory, extra: Partial<SchoolPlaces> = {}): SchoolPlaces => ({
  id,
  directory: d,
  boundChannels: [],
  workspaces: [],
  ...extra,
});

/** A trust's workspace with two schools, and a third school in a workspace of its own. */
const schools = [
  school(
    "ash",
    directory(
      [
        ["a.one", "UA1"],
        ["both", "UBOTH"],
      ],
      "CASHAPPR",
    ),
    { workspaces: [{ platform: "slack", workspace: "T1" }] },
  ),
  school(
    "birch",
    directory([
      ["b.one", "UB1"],
      ["both", "UBOTH"],
    ]),
    {
      workspaces: [{ platform: "slack", workspace: "T1" }],
      boundChannels: [{ platform: "slack", channel: "CBIRCHVIS" }],
    },
  ),
  school("cedar", directory([["c.one", "UC1"]]), { workspaces: [{ platform: "slack", workspace: "T2" }] }),
];
const pick = (inbound: Parameters<typeof pickSchool>[1]) => pickSchool(schools, inbound, "ash");

describe("which school a request is for", () => {
  it("is the channel's school, whoever types there", () => {
    expect(pick({ platform: "slack", workspace: "T1", channel: "CBIRCHVIS", user: "UA1" })).toBe("birch");
    expect(pick({ platform: "slack", workspace: "T1", channel: "CASHAPPR", user: "UB1" })).toBe("ash");
  });

  it("outside a school's channel, is the sender's school", () => {
    expect(pick({ platform: "slack", workspace: "T1", user: "UB1" })).toBe("birch");
    expect(pick({ platform: "slack", workspace: "T1", channel: "CRANDOM", user: "UB1" })).toBe("birch");
    expect(pick({ platform: "slack", workspace: "T2", user: "UC1" })).toBe("cedar");
  });

  it("for someone in two schools outside their channels, is this process's school when it is one of them", () => {
    expect(pick({ platform: "slack", workspace: "T1", user: "UBOTH" })).toBe("ash");
  });

  it("for a stranger, is the workspace's school when it has one, else this process's", () => {
    expect(pick({ platform: "slack", workspace: "T2", user: "UNOBODY" })).toBe("cedar");
    expect(pick({ platform: "slack", workspace: "T1", user: "UNOBODY" })).toBe("ash");
    expect(pick({ platform: "slack", user: "UNOBODY" })).toBe("ash");
  });

  it("never takes a person of one workspace's school for another workspace's", () => {
    // Cedar's person typing in the trust's workspace is not routed to Cedar from there.
    expect(pick({ platform: "slack", workspace: "T1", user: "UC1" })).toBe("ash");
  });
});

describe("someone in two schools", () => {
  it("writing to the bot directly is looked for in both; in a school's channel, or with a command, never", () => {
    expect(schoolsOfSender(schools, { platform: "slack", workspace: "T1", user: "UBOTH", message: true })).toEqual([
      "ash",
      "birch",
    ]);
    expect(
      schoolsOfSender(schools, { platform: "slack", workspace: "T1", channel: "CRANDOM", user: "UBOTH", message: true }),
    ).toEqual(["ash", "birch"]);
    expect(
      schoolsOfSender(schools, { platform: "slack", workspace: "T1", channel: "CBIRCHVIS", user: "UBOTH", message: true }),
    ).toEqual([]);
    expect(schoolsOfSender(schools, { platform: "slack", workspace: "T1", user: "UBOTH" })).toEqual([]);
    expect(schoolsOfSender(schools, { platform: "slack", workspace: "T1", user: "UA1", message: true })).toEqual([]);
  });
});

describe("a new school's id", () => {
  it("comes from its name, and is unique", () => {
    expect(schoolIdFor("St Peter's C of E Primary", new Set())).toBe("st-peters-c-of-e-primary");
    expect(schoolIdFor("Oak Primary", new Set(["oak-primary"]))).toBe("oak-primary-2");
    expect(schoolIdFor("123 Academy", new Set())).toMatch(/^[a-z][a-z0-9-]{1,39}$/);
    expect(schoolIdFor("!!!", new Set())).toMatch(/^[a-z][a-z0-9-]{1,39}$/);
  });
});
