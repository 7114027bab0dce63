/**
 * `npm run measure` (also printed by `npm run bench`): the size targets that keep the adapters thin
 * and the files small, measured over src/ (the generated Prisma client left out):
 *
 *   - no file over 300 lines;
 *   - each adapter (src/adapters/slack, teams, console) under 12% of the lines of src/;
 *   - no block of six or more lines repeated (jscpd, at least 50 tokens, its default).
 *
 * Prints the figures in a table, then the files and pairs that miss; exits 1 when a target is missed.
 * Lines are counted in every file (TypeScript, the console's CSS and JS), as `wc -l` does.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export const TARGETS = { maxFileLines: 300, maxAdapterShare: 0.12, minCloneLines: 6, minCloneTokens: 50 } as const;
export const ADAPTERS = ["src/adapters/slack", "src/adapters/teams", "src/adapters/console"] as const;
/** Written by `prisma generate`, not by us. */
export const EXCLUDED = ["src/persistence/generated"] as const;

export interface FileLines {
  path: string;
  lines: number;
}

export interface Clone {
  first: { path: string; start: number; end: number };
  second: { path: string; start: number; end: number };
  lines: number;
}

export interface CodeFigures {
  totalLines: number;
  files: FileLines[];
  adapters: { dir: string; lines: number; share: number }[];
  clones: Clone[];
}

export interface TargetCheck {
  target: string;
  figure: string;
  met: boolean;
}

/** Every file under src/ but the excluded folders, with its line count, paths relative to `root`. */
export function countLines(root = ROOT): FileLines[] {
  const files: FileLines[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(join(root, dir)).sort()) {
      const path = `${dir}/${name}`;
      if (EXCLUDED.some((excluded) => path === excluded)) continue;
      if (statSync(join(root, path)).isDirectory()) walk(path);
      else files.push({ path, lines: lineCount(readFileSync(join(root, path), "utf8")) });
    }
  };
  walk("src");
  return files;
}

/** Lines as `wc -l` counts them, plus a last line that has no newline. */
function lineCount(text: string): number {
  if (text === "") return 0;
  const newlines = text.split("\n").length - 1;
  return text.endsWith("\n") ? newlines : newlines + 1;
}

/** The repeated blocks jscpd finds in src/ (same lines, at least minCloneLines long). */
export function findClones(root = ROOT): Clone[] {
  const out = mkdtempSync(join(tmpdir(), "hv-jscpd-"));
  try {
    // This repository's jscpd (pinned), whichever tree it measures.
    const jscpd = join(ROOT, "node_modules", "jscpd", "run-jscpd.js");
    const args = [
      jscpd,
      "--min-lines",
      String(TARGETS.minCloneLines),
      "--min-tokens",
      String(TARGETS.minCloneTokens),
      "--ignore",
      EXCLUDED.map((dir) => `**/${dir}/**`).join(","),
      "--reporters",
      "json",
      "--output",
      out,
      "--absolute",
      "--no-colors",
      join(root, "src"),
    ];
    const run = spawnSync(process.execPath, args, { cwd: root, encoding: "utf8" });
    if (run.status !== 0) throw new Error(`jscpd failed (exit ${run.status}): ${run.stderr || run.stdout}`);
    const report = JSON.parse(readFileSync(join(out, "jscpd-report.json"), "utf8")) as { duplicates: JscpdDuplicate[] };
    const place = (file: JscpdDuplicate["firstFile"]) => ({
      path: relative(root, file.name).split(sep).join("/"),
      start: file.start,
      end: file.end,
    });
    return report.duplicates.map((d) => ({ first: place(d.firstFile), second: place(d.secondFile), lines: d.lines }));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

interface JscpdDuplicate {
  firstFile: { name: string; start: number; end: number };
  secondFile: { name: string; start: number; end: number };
  lines: number;
}

/** The figures the targets are checked against. */
export function measureCode(root = ROOT): CodeFigures {
  const files = countLines(root);
  const totalLines = files.reduce((sum, file) => sum + file.lines, 0);
  const adapters = ADAPTERS.map((dir) => {
    const lines = files.filter((file) => file.path.startsWith(`${dir}/`)).reduce((sum, file) => sum + file.lines, 0);
    return { dir, lines, share: totalLines ? lines / totalLines : 0 };
  });
  return { totalLines, files, adapters, clones: findClones(root) };
}

/** Files over the line limit, longest first. */
export function longFiles(figures: CodeFigures): FileLines[] {
  return figures.files.filter((file) => file.lines > TARGETS.maxFileLines).sort((a, b) => b.lines - a.lines);
}

export function checkTargets(figures: CodeFigures): TargetCheck[] {
  const long = longFiles(figures);
  const longest = [...figures.files].sort((a, b) => b.lines - a.lines)[0];
  const percent = (share: number) => `${(share * 100).toFixed(1)}%`;
  const repeated = figures.clones.reduce((sum, clone) => sum + clone.lines, 0);
  return [
    {
      target: `no file in src/ over ${TARGETS.maxFileLines} lines`,
      figure: `${long.length} over; longest ${longest?.path ?? "-"} (${longest?.lines ?? 0})`,
      met: long.length === 0,
    },
    ...figures.adapters.map((adapter) => ({
      target: `${adapter.dir} under ${percent(TARGETS.maxAdapterShare)} of src/`,
      figure: `${adapter.lines} of ${figures.totalLines} lines, ${percent(adapter.share)}`,
      met: adapter.share < TARGETS.maxAdapterShare,
    })),
    {
      target: `no block of ${TARGETS.minCloneLines}+ lines repeated (jscpd)`,
      figure: `${figures.clones.length} pairs, ${repeated} lines`,
      met: figures.clones.length === 0,
    },
  ];
}

/** The table, then what misses: the long files and the repeated pairs. */
export function formatReport(figures: CodeFigures, checks: TargetCheck[]): string {
  const rows = [
    ["target", "figure", "met"],
    ...checks.map((check) => [check.target, check.figure, check.met ? "yes" : "MISSED"]),
  ];
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => (row[column] ?? "").length)));
  const line = (row: string[]) => `| ${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(" | ")} |`;
  const out = [line(rows[0] ?? []), `|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`, ...rows.slice(1).map(line)];
  const long = longFiles(figures);
  if (long.length) out.push("", `Files over ${TARGETS.maxFileLines} lines:`, ...long.map((f) => `  ${f.lines}  ${f.path}`));
  if (figures.clones.length)
    out.push(
      "",
      `Repeated blocks (jscpd: at least ${TARGETS.minCloneLines} lines and ${TARGETS.minCloneTokens} tokens):`,
      ...figures.clones.map(
        (c) =>
          `  ${c.first.path}:${c.first.start}-${c.first.end} ~ ${c.second.path}:${c.second.start}-${c.second.end} (${c.lines} lines)`,
      ),
    );
  return out.join("\n");
}

/** Measures, prints, and says whether every target is met. */
export function printCodeMeasures(root = ROOT): boolean {
  const figures = measureCode(root);
  const checks = checkTargets(figures);
  console.log(formatReport(figures, checks));
  return checks.every((check) => check.met);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const met = printCodeMeasures();
    if (!met) console.log("\nA target is missed (see above).");
    process.exit(met ? 0 : 1);
  } catch (error) {
    console.error(`measure failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  }
}
