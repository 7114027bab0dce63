import { existsSync, readFileSync } from "node:fs";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { SLACK_EVENTS_PATH } from "../../../src/adapters/slack/slack-adapter.js";
import { SLACK_BOT_SCOPES, SLACK_REDIRECT_PATH } from "../../../src/adapters/slack/slack-oauth.js";

// ajv-formats is CommonJS: its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

// Vendored in the repository (manifests/schemas/README.md says where from), so this never skips.
const SCHEMA = new URL("../../../manifests/schemas/slack-manifest-v1.schema.json", import.meta.url);

interface Manifest {
  display_information: { name: string };
  features: {
    bot_user: { display_name: string };
    slash_commands: { command: string; url: string; description?: string }[];
    app_home?: { messages_tab_enabled?: boolean; messages_tab_read_only_enabled?: boolean };
  };
  oauth_config: { redirect_urls?: string[]; scopes: { bot: string[]; user?: string[] } };
  settings: {
    event_subscriptions: { request_url: string; bot_events: string[] };
    interactivity: { is_enabled: boolean; request_url: string };
    socket_mode_enabled?: boolean;
  };
}

const manifest = parse(readFileSync("manifests/slack/manifest.yaml", "utf8")) as Manifest;

describe("manifests/slack/manifest.yaml", () => {
  it("validates against Slack's manifest schema (v1, draft-07), vendored in manifests/schemas", () => {
    expect(existsSync(SCHEMA)).toBe(true);
    const schema = JSON.parse(readFileSync(SCHEMA, "utf8")) as Record<string, unknown>;
    // The official schema uses a non-standard "regex" keyword; strict mode would refuse to compile it.
    const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
    const validate = ajv.compile(schema);
    const valid = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    // And the schema does bite: a command without its slash is refused.
    const broken = structuredClone(manifest);
    broken.features.slash_commands = [{ command: "homevisit", url: "https://YOUR-HOST/slack/events", description: "x" }];
    expect(validate(broken)).toBe(false);
  });

  it("sends the slash command, interactivity and events to /slack/events", () => {
    const url = `https://YOUR-HOST${SLACK_EVENTS_PATH}`;
    expect(manifest.features.slash_commands).toEqual([expect.objectContaining({ command: "/homevisit", url })]);
    expect(manifest.settings.interactivity).toMatchObject({ is_enabled: true, request_url: url });
    expect(manifest.settings.event_subscriptions.request_url).toBe(url);
    expect(manifest.settings.socket_mode_enabled).toBe(false);
    expect(manifest.oauth_config.redirect_urls).toEqual([`https://YOUR-HOST${SLACK_REDIRECT_PATH}`]);
  });

  it("asks for exactly the scopes and events the adapter uses", () => {
    expect(manifest.display_information.name).toBe("homevisit");
    expect(manifest.features.bot_user.display_name).toBe("homevisit");
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(
      [
        "channels:history",
        "chat:write",
        "commands",
        "files:read",
        "groups:history",
        "im:history",
        "im:write",
        "users:read",
        "users:read.email",
        "usergroups:read",
      ].sort(),
    );
    // Mentions in /homevisit arrive as <@U…|name>, so "admin grant @Ben" knows who Ben is.
    expect(manifest.features.slash_commands[0]).toMatchObject({ should_escape: true });
    expect(manifest.oauth_config.scopes.user).toBeUndefined();
    // "Add to Slack" asks for the same scopes as the manifest.
    expect([...SLACK_BOT_SCOPES].sort()).toEqual([...manifest.oauth_config.scopes.bot].sort());
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual([
      "app_uninstalled",
      "message.channels",
      "message.groups",
      "message.im",
      "tokens_revoked",
    ]);
    // Staff can write to the bot in its Messages tab (DM replies such as "ok").
    expect(manifest.features.app_home).toMatchObject({ messages_tab_enabled: true, messages_tab_read_only_enabled: false });
  });
});
