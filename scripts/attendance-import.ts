/**
 * `npm run attendance:import -- <file.csv> [--mapping attendance/mappings/default.yaml]`: reads a
 * register export (SIMS, Arbor, Bromcom, ScholarPack…; see attendance/mappings/README.md) into
 * homevisit in one transaction, then looks at the attendance triggers. A bad row is reported by its
 * line number and nothing is saved. Uses the same settings as `npm start`; on the embedded database
 * it takes DATA_DIR's lock like the bot does: stop the bot first (or share the file in chat instead).
 */
import { createReadStream, existsSync } from "node:fs";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { silentLogger } from "../src/app/app-context.js";
import { describeImport, importRegister } from "../src/app/attendance/import-register.js";
import { ConfigError } from "../src/config/config-error.js";
import { loadConfig } from "../src/config/load-config.js";
import { loadDirectoryFile, loadPolicyFile, loadRegisterMappingFile } from "../src/config/load-school.js";
import { systemClock } from "../src/domain/clock.js";
import { lockDataDir } from "../src/persistence/data-dir-lock.js";
import { openDatabase } from "../src/persistence/open-database.js";
import { createPrismaStore } from "../src/persistence/prisma-store.js";

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ options: { mapping: { type: "string" } }, allowPositionals: true });
  const file = positionals[0];
  if (!file) {
    say(process.stderr, "Usage: npm run attendance:import -- <register.csv> [--mapping FILE]");
    return 2;
  }
  if (!existsSync(file)) {
    say(process.stderr, `${file} does not exist.`);
    return 2;
  }
  const config = loadConfig(process.env);
  const mapping = loadRegisterMappingFile(values.mapping ?? config.attendance.mappingFile);
  const lock = config.database.kind === "pglite" ? lockDataDir(config.database.dataDir) : null;
  const store = createPrismaStore(await openDatabase(config.database), systemClock, config.schoolId);
  const started = Date.now();
  try {
    const ctx = {
      store,
      clock: systemClock,
      policy: loadPolicyFile(config.policyFile),
      directory: loadDirectoryFile(config.schoolFile),
      log: silentLogger,
      kick: () => {},
      downloads: { publish: () => "" },
      registerMapping: mapping,
    };
    const outcome = await importRegister(
      ctx,
      "command-line",
      { name: basename(file), read: async () => createReadStream(file) },
      {
        mapping,
        onRead: (rows) => progress(`reading: ${rows.toLocaleString("en-GB")} rows`),
        onWrite: (written, total) => progress(`saving: ${written.toLocaleString("en-GB")} of ${total.toLocaleString("en-GB")}`),
        onTriggers: () => progress("looking at the attendance triggers"),
      },
    );
    progress("");
    say(outcome.ok ? process.stdout : process.stderr, describeImport(outcome, basename(file)));
    if (outcome.ok) say(process.stdout, `Took ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    return outcome.ok ? 0 : 1;
  } finally {
    await store.close();
    lock?.release();
  }
}

/** One line that rewrites itself on a terminal; a line each time when the output is a file or a pipe. */
function progress(text: string): void {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${text}`);
  else if (text) process.stderr.write(`${text}\n`);
}

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
