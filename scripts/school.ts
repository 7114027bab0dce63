/**
 * `npm run school -- <command>`: the schools one homevisit deployment serves.
 *
 *   list                                        every school, its policy version and people
 *   add <id> --policy FILE --directory FILE     a new school (its policy and its people, roles, channels)
 *   import <id> --policy FILE --directory FILE  update a school: a changed policy becomes a new version
 *   export <id> [--out DIR]                     its policy and directory as YAML files, to edit and import
 *   history <id>                                every version of its policy
 *
 * Uses the same settings as `npm start` (DATABASE_URL or DATA_DIR). On the embedded database it
 * takes DATA_DIR's lock like the bot does: stop the bot first.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { ConfigError } from "../src/config/config-error.js";
import { loadConfig } from "../src/config/load-config.js";
import { loadDirectoryFile, loadPolicyFile } from "../src/config/load-school.js";
import { systemClock } from "../src/domain/clock.js";
import { schoolIdSchema } from "../src/domain/school.js";
import { lockDataDir } from "../src/persistence/data-dir-lock.js";
import { openDatabase } from "../src/persistence/open-database.js";
import { createSchoolStore } from "../src/persistence/school-rows.js";

const USAGE = `Usage: npm run school -- list
       npm run school -- add <id> --policy FILE --directory FILE
       npm run school -- import <id> --policy FILE --directory FILE
       npm run school -- export <id> [--out DIR]
       npm run school -- history <id>`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { policy: { type: "string" }, directory: { type: "string" }, out: { type: "string", default: "." } },
  });
  const [command, rawId] = positionals;
  if (!command) return fail(USAGE);
  const config = loadConfig(process.env);
  const lock = config.database.kind === "pglite" ? lockDataDir(config.database.dataDir) : null;
  const db = await openDatabase(config.database);
  const schools = createSchoolStore(db, systemClock);
  try {
    if (command === "list") {
      const all = await schools.list();
      if (all.length === 0) say("No schools yet: npm run school -- add <id> --policy FILE --directory FILE");
      for (const s of all)
        say(`${s.id}\t${s.name}\tpolicy ${s.policy.version}\t${s.directory.staff.length} people\t${s.timezone}`);
      return 0;
    }
    const id = schoolIdSchema.safeParse(rawId ?? "");
    if (!id.success) return fail(`The school id "${rawId ?? ""}" will not do: ${id.error.issues[0]?.message}.\n${USAGE}`);
    const existing = await schools.get(id.data);
    if (command === "add" || command === "import") {
      if (!values.policy || !values.directory) return fail(`${command} needs --policy FILE and --directory FILE.\n${USAGE}`);
      if (command === "add" && existing) return fail(`School ${id.data} already exists: use import to update it.`);
      if (command === "import" && !existing) return fail(`There is no school ${id.data}: use add to create it.`);
      const policy = loadPolicyFile(values.policy);
      const directory = loadDirectoryFile(values.directory);
      const { policyChanged } = await schools.save({
        id: id.data,
        name: policy.school.name,
        timezone: policy.school.timezone,
        policy,
        directory,
      });
      say(
        `${command === "add" ? "Added" : "Updated"} ${id.data} (${policy.school.name}): ${directory.staff.length} people, policy ${policy.version}${policyChanged ? "" : " (unchanged)"}.`,
      );
      return 0;
    }
    if (!existing) return fail(`There is no school ${id.data}. npm run school -- list shows them.`);
    if (command === "export") {
      mkdirSync(values.out, { recursive: true });
      const policyFile = join(values.out, `${id.data}-policy.yaml`);
      const directoryFile = join(values.out, `${id.data}-directory.yaml`);
      writeFileSync(policyFile, stringify(existing.policy));
      writeFileSync(directoryFile, stringify(existing.directory));
      say(`Exported ${id.data}:\n  ${policyFile}\n  ${directoryFile}`);
      return 0;
    }
    if (command === "history") {
      for (const v of await schools.history(id.data))
        say(`${v.createdAt.toISOString()}\t${v.version}\t${v.checksum.slice(0, 12)}`);
      return 0;
    }
    return fail(`Unknown command "${command}".\n${USAGE}`);
  } finally {
    await db.close();
    lock?.release();
  }
}

function say(text: string): void {
  process.stdout.write(`${text}\n`);
}

function fail(text: string): number {
  process.stderr.write(`${text}\n`);
  return 2;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
    process.exit(error instanceof ConfigError ? 2 : 1);
  },
);
