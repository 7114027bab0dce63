import { spawnSync } from "node:child_process";
import pg from "pg";

const LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/test";

/**
 * Tests use a real PostgreSQL when one is reachable and PGlite otherwise. TEST_DATABASE_URL (or
 * DATABASE_URL) chooses explicitly; an empty TEST_DATABASE_URL forces PGlite; unset, we look for
 * the usual local server.
 */
export default async function setup(): Promise<void> {
  buildOnce();
  if (process.env.TEST_DATABASE_URL === undefined && !process.env.DATABASE_URL) {
    if (await reachable(LOCAL_POSTGRES)) process.env.TEST_DATABASE_URL = LOCAL_POSTGRES;
  }
  const url = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  console.log(
    `homevisit tests: database ${url ? `PostgreSQL (${new URL(url).host}${new URL(url).pathname})` : "PGlite (embedded)"}`,
  );
}

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * The real-process tests (start, shutdown, the DATA_DIR lock) run the compiled app as production
 * does: build it once here, before any test file starts one (two building at once would clash).
 */
function buildOnce(): void {
  const built = spawnSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" });
  if (built.status !== 0) throw new Error("npm run build failed: the real-process tests cannot run");
}
