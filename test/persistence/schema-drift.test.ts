import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";

describe("prisma/schema.prisma and prisma/migrations", () => {
  it("agree: creating a migration offline finds nothing to add", () => {
    const before = readdirSync("prisma/migrations");
    const run = spawnSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/create-migration.ts", "drift_check"], {
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain("No schema changes");
    expect(readdirSync("prisma/migrations")).toEqual(before);
  }, 90_000);
});
