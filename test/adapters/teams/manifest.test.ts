import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { afterAll, describe, expect, it } from "vitest";
import {
  drawColorIcon,
  drawOutlineIcon,
  PLACEHOLDER_ID,
  packageTeamsApp,
  pngSize,
  TEAMS_DIR,
  TEAMS_SCHEMA,
  validateManifest,
} from "../../../scripts/package-teams-app.js";
import { TEAMS_VERBS } from "../../../src/adapters/teams/card-actions.js";

interface Manifest {
  manifestVersion: string;
  id: string;
  icons: { color: string; outline: string };
  bots: { botId: string; scopes: string[]; commandLists: { scopes: string[]; commands: { title: string }[] }[] }[];
  webApplicationInfo: { id: string };
  authorization: { permissions: { resourceSpecific: { name: string; type: string }[] } };
}

const manifest = JSON.parse(readFileSync(join(TEAMS_DIR, "manifest.json"), "utf8")) as Manifest;
const scratch = mkdtempSync(join(tmpdir(), "teams-package-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("manifests/teams/manifest.json", () => {
  it("is valid against the Teams manifest schema v1.29, vendored in manifests/schemas", async () => {
    expect(TEAMS_SCHEMA).toMatch(/manifests\/schemas\/teams-manifest-v1\.29\.schema\.json$/);
    expect(existsSync(TEAMS_SCHEMA)).toBe(true);
    expect(await validateManifest(manifest)).toEqual([]);
    // The check is real: a broken manifest is reported.
    expect((await validateManifest({ ...manifest, id: ["$", "{{TEAMS_APP_ID}}"].join("") }))?.join("\n")).toMatch(
      /\/id must match pattern/,
    );
  });

  it("is a bot for teams, group chats and personal chats, with the homevisit commands", () => {
    expect(manifest.manifestVersion).toBe("1.29");
    expect(manifest.id).toBe(PLACEHOLDER_ID);
    const [bot] = manifest.bots;
    expect(bot?.scopes).toEqual(expect.arrayContaining(["team", "groupChat", "personal"]));
    const titles = bot?.commandLists.flatMap((list) => list.commands.map((c) => c.title)) ?? [];
    for (const title of ["homevisit help", "homevisit status", "homevisit list", "homevisit cancel"])
      expect(titles).toContain(title);
    expect(bot?.commandLists.flatMap((list) => list.scopes)).toEqual(expect.arrayContaining(["team", "groupChat", "personal"]));
  });

  it("asks for ChannelMessage.Read.Group, so a plain 'ok' in a visit thread reaches the bot", () => {
    expect(manifest.authorization.permissions.resourceSpecific).toContainEqual({
      name: "ChannelMessage.Read.Group",
      type: "Application",
    });
    expect(manifest.webApplicationInfo.id).toBe(manifest.bots[0]?.botId);
  });

  it("names the card verbs the adapter handles (the outside contract)", () => {
    expect(Object.values(TEAMS_VERBS).sort()).toEqual(
      [
        "visit_submit",
        "escalation_safe_submit",
        "visit_approve",
        "visit_decline",
        "visit_conditions",
        "visit_changes",
        "visit_resubmit",
        "checkin_ok",
        "visit_outcome_submit",
        "escalation_ack",
        "escalation_safe",
        "record_open",
      ].sort(),
    );
  });
});

describe("the icons", () => {
  it("color.png is 192×192 and outline.png 32×32 with a transparent background", () => {
    const color = readFileSync(join(TEAMS_DIR, manifest.icons.color));
    const outline = readFileSync(join(TEAMS_DIR, manifest.icons.outline));
    expect(pngSize(color)).toMatchObject({ width: 192, height: 192 });
    expect(pngSize(outline)).toMatchObject({ width: 32, height: 32, colourType: 6 });
    // The committed files are what the drawing code makes.
    expect(color.equals(drawColorIcon())).toBe(true);
    expect(outline.equals(drawOutlineIcon())).toBe(true);
  });
});

describe("npm run teams:package", () => {
  it("zips manifest.json, color.png and outline.png", async () => {
    const out = join(scratch, "plain.zip");
    await packageTeamsApp({ out });
    const files = unzipSync(readFileSync(out));
    expect(Object.keys(files).sort()).toEqual(["color.png", "manifest.json", "outline.png"]);
    expect(pngSize(files["color.png"] ?? new Uint8Array())).toMatchObject({ width: 192, height: 192 });
    expect(JSON.parse(new TextDecoder().decode(files["manifest.json"])).id).toBe(PLACEHOLDER_ID);
  });

  it("puts TEAMS_APP_ID and BOT_ID into the packaged manifest, and refuses ids that are not GUIDs", async () => {
    const out = join(scratch, "ids.zip");
    const appId = "3f1c9a2e-1b2c-4d5e-8f90-a1b2c3d4e5f6";
    const botId = "2b7f9c1e-0000-4000-8000-0000000b0707";
    await packageTeamsApp({ out, ids: { appId, botId } });
    const packaged = JSON.parse(new TextDecoder().decode(unzipSync(readFileSync(out))["manifest.json"])) as Manifest;
    expect(packaged.id).toBe(appId);
    expect(packaged.bots[0]?.botId).toBe(botId);
    expect(packaged.webApplicationInfo.id).toBe(botId);
    await expect(packageTeamsApp({ out, ids: { botId: "my-bot" } })).rejects.toThrow(/botId must be a GUID/);
  });
});
