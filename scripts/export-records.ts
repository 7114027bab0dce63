/**
 * `npm run export -- --from YYYY-MM-DD --to YYYY-MM-DD [--out DIR]`: writes a CSV and a JSON of
 * visits, outcomes and audit trails for upload to a safeguarding record system such as CPOMS.
 * Uses the same settings as `npm start` (DATABASE_URL or DATA_DIR, POLICY_FILE, SCHOOL_FILE).
 * On the embedded database it takes DATA_DIR's lock like the bot does: stop the bot first.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { silentLogger } from "../src/app/app-context.js";
import { exportRecords } from "../src/app/use-cases/export-records.js";
import { ConfigError } from "../src/config/config-error.js";
import { loadConfig } from "../src/config/load-config.js";
import { loadDirectoryFile, loadPolicyFile } from "../src/config/load-school.js";
import { systemClock } from "../src/domain/clock.js";
import { lockDataDir } from "../src/persistence/data-dir-lock.js";
import { openDatabase } from "../src/persistence/open-database.js";
import { createPrismaStore } from "../src/persistence/prisma-store.js";

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { from: { type: "string" }, to: { type: "string" }, out: { type: "string", default: "exports" } },
  });
  if (!values.from || !values.to) {
    say(process.stderr, "Usage: npm run export -- --from YYYY-MM-DD --to YYYY-MM-DD [--out DIR]");
    return 2;
  }
  const config = loadConfig(process.env);
  const lock = config.database.kind === "pglite" ? lockDataDir(config.database.dataDir) : null;
  const store = createPrismaStore(await openDatabase(config.database), systemClock, config.schoolId);
  try {
    const ctx = {
      store,
      clock: systemClock,
      policy: loadPolicyFile(config.policyFile),
      directory: loadDirectoryFile(config.schoolFile),
      log: silentLogger,
      kick: () => {},
      downloads: { publish: () => "" },
    };
    const result = await exportRecords(ctx, "command-line", values.from, values.to);
    if (!result.ok) {
      say(process.stderr, result.error.message);
      return 2;
    }
    mkdirSync(values.out, { recursive: true });
    const base = join(values.out, `homevisit-${values.from}-to-${values.to}`);
    writeFileSync(`${base}.csv`, result.value.csv);
    writeFileSync(`${base}.json`, result.value.json);
    say(process.stdout, `Exported ${result.value.visits.length} visit(s):\n  ${base}.csv\n  ${base}.json`);
    return 0;
  } finally {
    await store.close();
    lock?.release();
  }
}

/** This command's own output, for the person who typed it. */
function say(stream: NodeJS.WriteStream, text: string): void {
  stream.write(`${text}\n`);
}

main()
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    say(
      process.stderr,
      error instanceof ConfigError ? error.message : String(error instanceof Error ? (error.stack ?? error) : error),
    );
    process.exit(1);
  });
