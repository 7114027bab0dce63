import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { killSpawned, spawnApp } from "../support/spawn-app.js";

afterEach(killSpawned);

describe("npm start on a fresh machine", () => {
  it("starts on the embedded database with no configuration, answers /healthz and says what is off", async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), "hv-start-")), "data");
    const app = spawnApp({ DATA_DIR: dataDir });
    const url = await app.url;
    const health = await fetch(`${url}/healthz`);
    expect(await health.json()).toEqual({ status: "ok", db: "pglite" });
    // The console, with the stylesheet and script that the build copied into dist/.
    expect(await (await fetch(`${url}/`)).text()).toContain("/console/static/console.js");
    for (const [path, type] of [
      ["/console/static/console.css", "text/css"],
      ["/console/static/console.js", "text/javascript"],
    ]) {
      const file = await fetch(`${url}${path}`);
      expect(file.status).toBe(200);
      expect(file.headers.get("content-type")).toContain(type);
    }
    expect(app.output()).toMatch(/Slack: off/);
    expect(app.output()).toMatch(/Teams: off/);
    app.child.kill("SIGTERM");
    expect((await app.exit).code).toBe(0);

    // The same data directory opens again with nothing to migrate.
    const again = spawnApp({ DATA_DIR: dataDir });
    expect(await (await fetch(`${await again.url}/healthz`)).json()).toEqual({ status: "ok", db: "pglite" });
  }, 90_000);

  it("refuses to start with a bad policy file, naming the file, the key and the problem", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "hv-policy-")), "policy.yaml");
    writeFileSync(file, "version: x\n");
    const app = spawnApp({ POLICY_FILE: file, DATA_DIR: join(mkdtempSync(join(tmpdir(), "hv-unused-")), "data") });
    await expect(app.url).rejects.toThrow();
    expect((await app.exit).code).toBe(1);
    expect(app.output()).toContain(file);
    expect(app.output()).toMatch(/school: .*expected object/i);
  }, 60_000);
});
