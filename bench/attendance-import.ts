import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type PupilRegister, schoolDays, simsCsv } from "../test/support/register-csv.js";
import { createScratchPostgres, testDatabaseUrl } from "../test/support/test-database.js";

/**
 * `npm run attendance:import` on a 2,000-pupil, 190-day register (one row per session: 760,000 rows),
 * run as the operator runs it (the script, its own process and GC settings), on a fresh database.
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
  const scratch = base ? await createScratchPostgres(base, "hv_bench") : null;
  try {
    const env = {
      ...process.env,
      POLICY_FILE: "policies/lincolnshire.yaml",
      LOG_LEVEL: "silent",
      ...(scratch ? { DATABASE_URL: scratch.url } : { DATABASE_URL: "", DATA_DIR: join(dir, "data") }),
    };
    const run = spawnSync(
      process.execPath,
      ["--max-semi-space-size=64", "--import", "tsx", "scripts/attendance-import.ts", file],
      {
        env,
        encoding: "utf8",
      },
    );
    const took = /Took ([\d.]+) s/.exec(run.stdout)?.[1];
    if (run.status !== 0 || !took) throw new Error(`attendance:import failed: ${run.stderr.slice(-500)}`);
    const summary = run.stdout.split("\n")[0] ?? "";
    console.log(
      `${scratch ? "postgres" : "pglite"}: 760,000 rows (2,000 pupils × 190 days) imported in ${took} s (target < 10 s), triggers included`,
    );
    console.log(`  ${summary}`);
  } finally {
    await scratch?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}
