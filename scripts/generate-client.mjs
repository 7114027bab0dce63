// Generates the Prisma client without Prisma's native schema engine.
// The CLI insists on finding `schema-engine` before it generates, and tries to
// download it when missing; these machines cannot reach Prisma's binary host.
// Generation itself never uses the engine, so we point the CLI at a stand-in
// that exits non-zero (see ../shared/notes/persistence.md).
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const standIn = join(root, "scripts", "no-schema-engine.sh");
if (existsSync(standIn)) chmodSync(standIn, 0o755);

const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) env.PRISMA_SCHEMA_ENGINE_BINARY = standIn;

const result = spawnSync(process.execPath, [join(root, "node_modules", "prisma", "build", "index.js"), "generate"], {
  cwd: root,
  env,
  stdio: "inherit",
});
process.exit(result.status ?? 1);
