#!/usr/bin/env node
// `npm run build`: compile src/ (and the operator scripts it ships) into dist/, copy beside the
// compiled modules the files they read at run time (tsc copies only TypeScript), then stamp the
// build. scripts/start.mjs and the tests' global setup build through this same function.
import { spawnSync } from "node:child_process";
import { cpSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Folders under src/ that the compiled app reads as they are (the console's CSS and JS). */
export const STATIC_DIRS = ["src/adapters/console/static"];

/** Builds dist/; returns tsc's exit status (0 when built), having printed its errors. */
export function buildDist(root = ROOT) {
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  const built = spawnSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { cwd: root, stdio: "inherit" });
  if (built.status !== 0) return built.status ?? 1;
  for (const dir of STATIC_DIRS) {
    const target = join(root, "dist", dir);
    // Replaced whole, so a file deleted from src/ does not live on in dist/.
    rmSync(target, { recursive: true, force: true });
    cpSync(join(root, dir), target, { recursive: true });
  }
  writeFileSync(join(root, "dist", ".built"), `${new Date().toISOString()}\n`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exit(buildDist());
