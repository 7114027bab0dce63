import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config/config-error.js";
import { loadConfig } from "../../src/config/load-config.js";
import { loadDirectoryFile } from "../../src/config/load-school.js";

describe("loading the settings", () => {
  it("starts on the embedded database with no settings at all", () => {
    const config = loadConfig({});
    expect(config.port).toBe(3978);
    expect(config.database).toEqual({ kind: "pglite", dataDir: "./data" });
    expect(config.slack).toBeNull();
    expect(config.teams).toBeNull();
    expect(config.notes.join("\n")).toMatch(/Slack: off.*SLACK_BOT_TOKEN/);
  });

  it("uses PostgreSQL when DATABASE_URL is set", () => {
    expect(loadConfig({ DATABASE_URL: "postgres://u@db/homevisit" }).database).toEqual({
      kind: "postgres",
      url: "postgres://u@db/homevisit",
    });
  });

  it("names the setting and the problem when a value is wrong", () => {
    expect(() => loadConfig({ PORT: "eighty" })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL.*postgres/s);
  });

  it("needs the signing secret with a Slack token", () => {
    expect(() => loadConfig({ SLACK_BOT_TOKEN: "xoxb-1" })).toThrow(/SLACK_SIGNING_SECRET/);
    expect(loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s" }).slack).toEqual({
      token: "xoxb-1",
      signingSecret: "s",
      apiUrl: undefined,
    });
  });

  it("turns on Add to Slack with the client id, secret, state secret and a 32-byte token key", () => {
    const oauth = {
      SLACK_CLIENT_ID: "111.222",
      SLACK_CLIENT_SECRET: "secret",
      SLACK_STATE_SECRET: "state",
      SLACK_SIGNING_SECRET: "s",
      PUBLIC_URL: "https://homevisit.trust.example/",
    };
    const key = Buffer.alloc(32, 9);
    const config = loadConfig({ ...oauth, TOKEN_ENCRYPTION_KEY: key.toString("base64") });
    expect(config.slack?.token).toBeUndefined();
    expect(config.slack?.oauth).toMatchObject({
      clientId: "111.222",
      clientSecret: "secret",
      stateSecret: "state",
      redirectUri: "https://homevisit.trust.example/slack/oauth_redirect",
    });
    expect(config.slack?.oauth?.encryptionKeys[0]?.equals(key)).toBe(true);
    // Hex works as well, and an old key can be kept for rotation.
    const hex = loadConfig({
      ...oauth,
      TOKEN_ENCRYPTION_KEY: key.toString("hex"),
      TOKEN_ENCRYPTION_OLD_KEYS: Buffer.alloc(32, 1).toString("base64"),
    });
    expect(hex.slack?.oauth?.encryptionKeys).toHaveLength(2);
    // Both at once: the single token stays, as the fallback.
    expect(loadConfig({ ...oauth, SLACK_BOT_TOKEN: "xoxb-1", TOKEN_ENCRYPTION_KEY: key.toString("hex") }).slack?.token).toBe(
      "xoxb-1",
    );

    expect(() => loadConfig(oauth)).toThrow(/TOKEN_ENCRYPTION_KEY is required.*openssl rand -base64 32/);
    expect(() => loadConfig({ ...oauth, TOKEN_ENCRYPTION_KEY: "too-short" })).toThrow(
      /TOKEN_ENCRYPTION_KEY: must be 32 bytes as base64 or 64 hex digits: make one with `openssl rand -base64 32`/,
    );
    expect(() => loadConfig({ ...oauth, SLACK_STATE_SECRET: "", TOKEN_ENCRYPTION_KEY: key.toString("hex") })).toThrow(
      /SLACK_STATE_SECRET is missing/,
    );
    expect(() => loadConfig({ ...oauth, SLACK_SIGNING_SECRET: "", TOKEN_ENCRYPTION_KEY: key.toString("hex") })).toThrow(
      /SLACK_SIGNING_SECRET is required/,
    );
  });

  it("refuses unauthenticated Teams in production, and allows it for local testing", () => {
    expect(() => loadConfig({ NODE_ENV: "production", TEAMS_ALLOW_UNAUTHENTICATED: "true" })).toThrow(ConfigError);
    expect(loadConfig({ TEAMS_ALLOW_UNAUTHENTICATED: "true" }).teams?.allowUnauthenticated).toBe(true);
  });

  it("returns a frozen object: settings are read once", () => {
    expect(Object.isFrozen(loadConfig({}))).toBe(true);
  });
});

describe("loading the school directory", () => {
  it("loads the demo school", () => {
    expect(loadDirectoryFile("schools/demo.yaml").staff.find((s) => s.roles.includes("dsl"))?.id).toBe("a.okafor");
  });

  it("names the file, the key and the problem", () => {
    const dir = mkdtempSync(join(tmpdir(), "hv-"));
    const file = join(dir, "school.yaml");
    writeFileSync(file, "staff:\n  - id: Bad Id\n    name: X\nchannels: {}\n");
    expect(() => loadDirectoryFile(file)).toThrow(new RegExp(`${file}.*staff\\.0\\.id`, "s"));
  });
});

describe("running in production", () => {
  it("requires PUBLIC_URL, with a message that says what to set", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(/PUBLIC_URL is required when NODE_ENV=production/);
    expect(loadConfig({ NODE_ENV: "production", PUBLIC_URL: "https://hv.school.example" }).publicUrl).toBe(
      "https://hv.school.example",
    );
  });

  it("parses the operational settings once, with their defaults", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      shutdownSeconds: 10,
      databaseTimeoutMs: 2000,
      deliveryConcurrency: 4,
      consoleRemote: false,
      log: { level: "info", format: "pretty" },
    });
    expect(loadConfig({ NODE_ENV: "test" }).log.level).toBe("silent");
    expect(loadConfig({ NODE_ENV: "production", PUBLIC_URL: "https://hv.example" }).log.format).toBe("json");
    expect(loadConfig({ SHUTDOWN_SECONDS: "25", LOG_LEVEL: "debug", LOG_FORMAT: "json" })).toMatchObject({
      shutdownSeconds: 25,
      log: { level: "debug", format: "json" },
    });
    expect(() => loadConfig({ SHUTDOWN_SECONDS: "0" })).toThrow(/SHUTDOWN_SECONDS/);
  });
});
