import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkTargets, formatReport, measureCode } from "../../scripts/measure-code.js";

const root = mkdtempSync(join(tmpdir(), "hv-measure-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function write(path: string, lines: string[]): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), `${lines.join("\n")}\n`);
}

/** Distinct lines of code, so only the block written twice on purpose repeats. */
const distinct = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => `export const ${prefix}${i} = ${i} * ${i + 1} + "${prefix}";`);

/** Eight lines with enough tokens for jscpd, written into two files. */
const repeated = [
  "export function shared(items: readonly number[], size: number): number[][] {",
  "  const out: number[][] = [];",
  "  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));",
  "  if (out.length === 0) out.push([size, items.length, size * 2, items.length * 3]);",
  "  const total = out.reduce((sum, chunk) => sum + chunk.length, 0) + items.length + size;",
  '  if (total > 1000) throw new Error("too many: " + total + " items in " + out.length + " chunks");',
  "  return out;",
  "}",
];

write("src/domain/core.ts", distinct("core", 301));
write("src/app/app.ts", [...distinct("app", 40), ...repeated]);
write("src/adapters/slack/slack.ts", distinct("slack", 20));
write("src/adapters/teams/teams.ts", [...distinct("teams", 30), ...repeated.map((l) => l.replace("shared", "again"))]);
write("src/adapters/console/console.ts", distinct("console", 10));
write("src/adapters/console/static/console.css", [".a{color:red}", ".b{color:blue}"]);
// Generated code is neither counted nor searched for repeats, however long.
write("src/persistence/generated/client.ts", [...distinct("gen", 900), ...repeated, ...repeated]);

describe("npm run measure", () => {
  const figures = measureCode(root);
  const checks = checkTargets(figures);

  it("counts every file under src/ (CSS too) but the generated Prisma client", () => {
    expect(figures.files.map((f) => f.path)).not.toContain("src/persistence/generated/client.ts");
    expect(figures.files.find((f) => f.path === "src/adapters/console/static/console.css")?.lines).toBe(2);
    expect(figures.totalLines).toBe(301 + 48 + 20 + 38 + 10 + 2);
  });

  it("names the file over 300 lines, and each adapter's share of src/", () => {
    expect(checks[0]).toMatchObject({ met: false, figure: "1 over; longest src/domain/core.ts (301)" });
    const teams = figures.adapters.find((a) => a.dir === "src/adapters/teams");
    expect(teams?.lines).toBe(38);
    expect(checks.find((c) => c.target.startsWith("src/adapters/teams"))).toMatchObject({
      met: true,
      figure: "38 of 419 lines, 9.1%",
    });
    expect(checks.find((c) => c.target.startsWith("src/adapters/console"))?.met).toBe(true);
  });

  it("reports a block of six or more repeated lines as a pair of places", () => {
    expect(figures.clones).toHaveLength(1);
    const places = [figures.clones[0]?.first.path, figures.clones[0]?.second.path].sort();
    expect(places).toEqual(["src/adapters/teams/teams.ts", "src/app/app.ts"]);
    expect(checks.at(-1)?.met).toBe(false);
    const report = formatReport(figures, checks);
    expect(report).toMatch(/\| no file in src\/ over 300 lines +\| 1 over; longest src\/domain\/core\.ts \(301\) +\| MISSED \|/);
    expect(report).toContain("  301  src/domain/core.ts");
    expect(report).toMatch(/src\/(app\/app|adapters\/teams\/teams)\.ts:\d+-\d+ ~ src\/\S+:\d+-\d+ \(\d+ lines\)/);
  });
});
