import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * `npm run school`, as a trust's administrator uses it: add a school from a policy and a directory,
 * list them, export one to edit, import the edit (a new policy version), and clear messages for
 * what will not do. Run as the compiled command, on a fresh embedded database.
 */
const dataDir = join(mkdtempSync(join(tmpdir(), "hv-school-")), "data");
const run = (...args: string[]) =>
  spawnSync(process.execPath, ["scripts/start.mjs", "scripts/school", ...args], {
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", DATA_DIR: dataDir, LOG_FORMAT: "json" },
    timeout: 60_000,
  });

describe("npm run school", () => {
  it("adds, lists, exports and imports schools, each policy change a new version", () => {
    expect(run("list").stdout).toMatch(/No schools yet/);
    const added = run("add", "st-peters", "--policy", "policies/st-peters.yaml", "--directory", "schools/demo.yaml");
    expect(added.status).toBe(0);
    expect(added.stdout).toMatch(/Added st-peters \(St Peter's.*\): 6 people, policy /);
    expect(run("add", "morecambe", "--policy", "policies/morecambe-road.yaml", "--directory", "schools/demo.yaml").status).toBe(
      0,
    );
    expect(
      run("list")
        .stdout.trim()
        .split("\n")
        .map((line) => line.split("\t")[0]),
    ).toEqual(["morecambe", "st-peters"]);

    const again = run("add", "st-peters", "--policy", "policies/st-peters.yaml", "--directory", "schools/demo.yaml");
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/already exists: use import/);

    const out = mkdtempSync(join(tmpdir(), "hv-school-out-"));
    expect(run("export", "st-peters", "--out", out).status).toBe(0);
    const policyFile = join(out, "st-peters-policy.yaml");
    writeFileSync(policyFile, readFileSync(policyFile, "utf8").replace(/^version: .*$/m, "version: st-peters-2027-01"));
    const imported = run("import", "st-peters", "--policy", policyFile, "--directory", join(out, "st-peters-directory.yaml"));
    expect(imported.stdout).toMatch(/Updated st-peters .* policy st-peters-2027-01\./);
    const unchanged = run("import", "st-peters", "--policy", policyFile, "--directory", join(out, "st-peters-directory.yaml"));
    expect(unchanged.stdout).toMatch(/\(unchanged\)/);
    const history = run("history", "st-peters").stdout.trim().split("\n");
    expect(history).toHaveLength(2);
    expect(history[1]).toMatch(/st-peters-2027-01/);
  }, 240_000);

  it("says what is wrong with a bad id, a missing school or a bad policy file, and changes nothing", () => {
    expect(run("add", "St Peters", "--policy", "x", "--directory", "y").stderr).toMatch(/The school id "St Peters" will not do/);
    expect(run("export", "nowhere").stderr).toMatch(/There is no school nowhere/);
    const broken = join(mkdtempSync(join(tmpdir(), "hv-school-bad-")), "policy.yaml");
    writeFileSync(broken, "version: x\nschool: { name: Broken }\n");
    const bad = run("add", "broken", "--policy", broken, "--directory", "schools/demo.yaml");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/policy\.yaml is not valid/);
    expect(run("list").stdout).not.toMatch(/broken/);
  }, 240_000);
});
