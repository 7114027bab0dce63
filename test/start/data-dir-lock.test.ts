import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { lockDataDir, lockPathOf } from "../../src/persistence/data-dir-lock.js";
import { killSpawned, spawnApp } from "../support/spawn-app.js";

afterEach(killSpawned);

/** Asks for a visit through the console, as the demo requester, and returns its id. */
async function requestVisit(url: string): Promise<string> {
  const planned = new Date(Date.now() + 3 * 86_400_000);
  const day = planned.toISOString().slice(0, 10);
  const res = await fetch(`${url}/console/act`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      type: "submit",
      as: "e.walsh",
      formId: "visit_submit",
      values: {
        pupil_name: "Jamie Lee Smith",
        address: "14 Acacia Avenue, Salford M5 4AB",
        purpose: "attendance",
        planned_start: `${day}T10:30`,
        duration: "45",
        expected_return: `${day}T11:30`,
        lead_mobile: "07700 900105",
        second_staff: "f.nowak",
        vehicle_make: "Ford",
        vehicle_model: "Fiesta",
        vehicle_colour: "Blue",
        vehicle_registration: "AB12 CDE",
        parents_told: "yes",
        code_word: "pineapple",
      },
    }),
  });
  expect(res.status).toBe(200);
  const list = await fetch(`${url}/console/act`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ type: "command", as: "a.okafor", text: "list" }),
  });
  const note = JSON.stringify(await list.json());
  const id = /HV-[A-Z0-9]+/.exec(note)?.[0];
  if (!id) throw new Error(`no visit listed: ${note}`);
  return id;
}

describe("the embedded database is one process", () => {
  it("a second process on the same DATA_DIR refuses, naming the first one's pid; nothing is lost", async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), "hv-lock-")), "data");
    const first = spawnApp({ DATA_DIR: dataDir });
    const url = await first.url;
    const visit = await requestVisit(url);

    const second = spawnApp({ DATA_DIR: dataDir });
    await expect(second.url).rejects.toThrow();
    expect((await second.exit).code).toBe(1);
    expect(second.output()).toContain(`pid ${first.child.pid}`);
    expect(second.output()).toMatch(/in use by another homevisit process/);

    // The first one carries on, its visit intact.
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    first.child.kill("SIGTERM");
    expect((await first.exit).code).toBe(0);
    expect(existsSync(lockPathOf(dataDir))).toBe(false);

    const third = spawnApp({ DATA_DIR: dataDir });
    const list = await fetch(`${await third.url}/console/act`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ type: "command", as: "a.okafor", text: "list" }),
    });
    expect(JSON.stringify(await list.json())).toContain(visit);
  }, 120_000);

  it("a lock left by a process that died (kill -9) is taken over", async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), "hv-stale-")), "data");
    const first = spawnApp({ DATA_DIR: dataDir });
    await first.url;
    first.child.kill("SIGKILL");
    await first.exit;
    expect(readFileSync(lockPathOf(dataDir), "utf8").trim()).toBe(String(first.child.pid));

    const second = spawnApp({ DATA_DIR: dataDir });
    expect((await fetch(`${await second.url}/healthz`)).status).toBe(200);
    expect(readFileSync(lockPathOf(dataDir), "utf8").trim()).toBe(String(second.child.pid));
  }, 120_000);

  it("in one process: refuses a live holder, takes over a dead or empty one, releases only its own", () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), "hv-unit-")), "data");
    const lock = lockDataDir(dataDir, process.pid);
    expect(() => lockDataDir(dataDir, process.pid + 1)).toThrow(new RegExp(`pid ${process.pid}\\b`));
    lock.release();
    expect(existsSync(lockPathOf(dataDir))).toBe(false);
    writeFileSync(lockPathOf(dataDir), "2147483646\n"); // no such process
    lockDataDir(dataDir, process.pid).release();
    writeFileSync(lockPathOf(dataDir), "");
    const taken = lockDataDir(dataDir, process.pid);
    expect(readFileSync(lockPathOf(dataDir), "utf8").trim()).toBe(String(process.pid));
    taken.release();
  });
});
