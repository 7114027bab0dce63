#!/usr/bin/env node
// `npm start` and `npm run export`: build dist/ if it is missing or older than the sources, then
// run the compiled entry *in this same process* (no tsx, no child node), so SIGTERM from a
// supervisor or from Ctrl-C reaches the process that does the work.
//
//   node scripts/start.mjs [entry]   entry: src/main (default), scripts/export-records, scripts/attendance-import or scripts/school
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildDist } from "./build.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// The entry is taken off argv, so the compiled script sees only its own arguments (--from …).
const given = process.argv[2];
const entry = given && !given.startsWith("-") ? (process.argv.splice(2, 1)[0] ?? "src/main") : "src/main";
const compiled = join(root, "dist", `${entry}.js`);
const stamp = join(root, "dist", ".built");

/** The newest modification time under these paths (files only). */
function newest(paths) {
  let latest = 0;
  const visit = (path) => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (stat.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
    else latest = Math.max(latest, stat.mtimeMs);
  };
  for (const path of paths) visit(path);
  return latest;
}

const sources = [
  join(root, "src"),
  join(root, "scripts", "export-records.ts"),
  join(root, "scripts", "attendance-import.ts"),
  join(root, "scripts", "school.ts"),
  join(root, "tsconfig.json"),
  join(root, "tsconfig.build.json"),
];
const stale = !existsSync(compiled) || !existsSync(stamp) || newest(sources) > statSync(stamp).mtimeMs;
if (stale) {
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  if (!existsSync(tsc)) {
    process.stderr.write(
      `homevisit: ${existsSync(compiled) ? "dist/ is older than src/" : "dist/ is missing"} and TypeScript is not installed to build it. Run "npm install" (with dev dependencies), then "npm run build".\n`,
    );
    if (!existsSync(compiled)) process.exit(1);
  } else {
    process.stdout.write("homevisit: building dist/ (npm run build)…\n");
    const status = buildDist(root);
    if (status !== 0) {
      process.stderr.write("homevisit: the build failed (see above); nothing was started.\n");
      process.exit(status);
    }
  }
}
await import(pathToFileURL(compiled).href);
