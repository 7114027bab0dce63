import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { schoolDays, simsCsv } from "../../support/register-csv.js";
import { BOT, messageActivity, PEOPLE, personalChat } from "./support/activities.js";
import { startTeamsHarness, type TeamsHarness } from "./support/teams-harness.js";

/** The register attached to a message in the 1:1 chat, as Teams sends it (file.download.info). */
const days = schoolDays("2026-10-28", 20);
const csv = simsCsv(
  [
    {
      upn: "A100",
      name: "Jamie Lee Smith",
      address: "14 Acacia Avenue",
      marks: Object.fromEntries(days.slice(-3).map((d) => [d, "N"])),
    },
  ],
  days,
);

let h: TeamsHarness;
let files: Server;
let filesUrl = "";
const fetched: string[] = [];
beforeAll(async () => {
  // A stand-in for the SharePoint download URL Teams puts on the attachment (pre-authorised).
  files = createServer((req, res) => {
    fetched.push(req.url ?? "");
    res.writeHead(req.url === "/register.csv" ? 200 : 404, { "content-type": "text/csv" });
    res.end(req.url === "/register.csv" ? csv : "");
  });
  await new Promise<void>((resolve) => files.listen(0, "127.0.0.1", resolve));
  filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
  h = await startTeamsHarness({ env: { POLICY_FILE: "policies/lincolnshire.yaml" } });
});
afterAll(async () => {
  await h?.close();
  await new Promise((resolve) => files.close(resolve));
});

function withFile(who: (typeof PEOPLE)[keyof typeof PEOPLE], path: string) {
  return {
    ...messageActivity(h.stub.url, who, personalChat(who), "homevisit attendance"),
    attachments: [
      {
        contentType: "application/vnd.microsoft.teams.file.download.info",
        contentUrl: `${filesUrl}/sharepoint${path}`,
        name: "register.csv",
        content: { downloadUrl: `${filesUrl}${path}`, uniqueId: "1a2b", fileType: "csv" },
      },
    ],
  };
}
const said = (who: (typeof PEOPLE)[keyof typeof PEOPLE]) =>
  h.stub
    .to(personalChat(who).id, { exact: true })
    .map((c) => c.text)
    .join("\n");

describe("homevisit attendance in Teams", () => {
  it("a member of staff the policy does not name is refused, and the file is not fetched", async () => {
    const res = await h.post(withFile(PEOPLE.requester, "/register.csv"));
    expect(res.status).toBe(200);
    expect(said(PEOPLE.requester)).toMatch(/only dsl, deputy dsl, attendance champion, headteacher can import/);
    expect(fetched).toEqual([]);
  });

  it("the DSL attaches the export in the 1:1 chat: imported from its download URL, and the leads are told", async () => {
    const res = await h.post(withFile(PEOPLE.dsl, "/register.csv"));
    expect(res.status).toBe(200);
    expect(said(PEOPLE.dsl)).toMatch(/Imported register.csv: 1 pupils, 20 register days/);
    expect(fetched).toEqual(["/register.csv"]);
    await h.settle();
    expect(said(PEOPLE.dsl)).toMatch(/Safe-and-well visit suggested[\s\S]*Jamie Lee Smith/);
    expect(BOT.id).toBeTruthy();
  });

  it("a message with no file says how to send one", async () => {
    await h.post(messageActivity(h.stub.url, PEOPLE.dsl, personalChat(PEOPLE.dsl), "homevisit attendance"));
    expect(said(PEOPLE.dsl)).toMatch(/No file came with that\. Attach the register export \(CSV\)/);
  });
});
