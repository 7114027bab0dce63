import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type PupilRegister, schoolDays, simsCsv } from "../test/support/register-csv.js";
import { createScratchPostgres, testDatabaseUrl } from "../test/support/test-database.js";

/** Runs per database: these machines share their two cores, so one run can be a second or more out. */
const RUNS = 3;

/**
 * `npm run attendance:import` on a 2,000-pupil, 190-day register (one row per session: 760,000 rows),
 * run as the operator runs it (the script, its own process and GC settings), each time on a fresh
 * database: PostgreSQL when one is configured, and the embedded PGlite.
 */
export async function runAttendanceImportBench(): Promise<void> {
  const days = schoolDays("2026-09-01", 190);
  const pupils: PupilRegister[] = Array.from({ length: 2000 }, (_, i) => ({
    upn: `A${String(100000000000 + i)}`,
    name: `Pupil${i} Surname${i % 97}`,
    address: `${i} School Lane, Lincoln LN${i % 9} 4AB`,
    marks: i % 50 === 0 ? Object.fromEntries(days.slice(-7).map((d) => [d, "N"])) : {},
  }));
  const dir = mkdtempSync(join(tmpdir(), "hv-register-"));
  const file = join(dir, "register.csv");
  writeFileSync(file, simsCsv(pupils, days));
  const base = testDatabaseUrl();
  try {
    for (const kind of base ? (["postgres", "pglite"] as const) : (["pglite"] as const)) {
      const runs: { took: number; summary: string }[] = [];
      for (let run = 0; run < RUNS; run++)
        runs.push(await importOnce(file, join(dir, `data-${run}`), kind === "postgres" ? base : undefined));
      const took = runs.map((r) => r.took).sort((a, b) => a - b);
      const median = took[Math.floor(took.length / 2)] ?? 0;
      console.log(
        `${kind}: 760,000 rows (2,000 pupils × 190 days) imported in ${median.toFixed(1)} s (target < 10 s), triggers included; median of ${RUNS} (${took.map((t) => t.toFixed(1)).join(", ")} s)`,
      );
      console.log(`  ${runs[0]?.summary ?? ""}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function importOnce(file: string, dataDir: string, base: string | undefined) {
  const scratch = base ? await createScratchPostgres(base, "hv_bench") : null;
  try {
    const env = {
      ...process.env,
      POLICY_FILE: "policies/lincolnshire.yaml",
      LOG_LEVEL: "silent",
      ...(scratch ? { DATABASE_URL: scratch.url } : { DATABASE_URL: "", DATA_DIR: dataDir }),
    };
    const run = spawnSync(
      process.execPath,
      ["--max-semi-space-size=64", "--import", "tsx", "scripts/attendance-import.ts", file],
      { env, encoding: "utf8" },
    );
    const took = /Took ([\d.]+) s/.exec(run.stdout)?.[1];
    if (run.status !== 0 || !took) throw new Error(`attendance:import failed: ${run.stderr.slice(-500)}`);
    return { took: Number(took), summary: run.stdout.split("\n")[0] ?? "" };
  } finally {
    await scratch?.drop();
  }
}
