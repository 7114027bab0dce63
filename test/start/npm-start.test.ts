import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
});

/** Runs what `npm start` runs, as a separate process, and waits for its first words. */
function start(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; output: () => string; url: Promise<string>; exit: Promise<number | null> }> {
  const child = spawn(process.execPath, ["node_modules/tsx/dist/cli.mjs", "src/main.ts"], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", PORT: "0", HOST: "127.0.0.1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  const url = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /running on (http:\/\/[^\s]+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.on("exit", () => reject(new Error(`exited before starting:\n${output}`)));
  });
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return Promise.resolve({ child, output: () => output, url, exit });
}

describe("npm start on a fresh machine", () => {
  it("starts on the embedded database with no configuration, answers /healthz and says what is off", async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), "hv-start-")), "data");
    const app = await start({ DATA_DIR: dataDir });
    const url = await app.url;
    const health = await fetch(`${url}/healthz`);
    expect(await health.json()).toEqual({ status: "ok", db: "pglite" });
    expect(app.output()).toMatch(/Slack: off/);
    expect(app.output()).toMatch(/Teams: off/);
    app.child.kill("SIGTERM");
    expect(await app.exit).toBe(0);

    // The same data directory opens again with nothing to migrate.
    const again = await start({ DATA_DIR: dataDir });
    expect(await (await fetch(`${await again.url}/healthz`)).json()).toEqual({ status: "ok", db: "pglite" });
  }, 90_000);

  it("refuses to start with a bad policy file, naming the file, the key and the problem", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "hv-policy-")), "policy.yaml");
    writeFileSync(file, "version: x\n");
    const app = await start({ POLICY_FILE: file, DATA_DIR: join(tmpdir(), "hv-unused") });
    await expect(app.url).rejects.toThrow();
    expect(await app.exit).toBe(1);
    expect(app.output()).toContain(file);
    expect(app.output()).toMatch(/school: .*expected object/i);
  }, 60_000);
});
