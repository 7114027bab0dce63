import pg from "pg";

const LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/test";

/**
 * Tests use a real PostgreSQL when one is reachable and PGlite otherwise. TEST_DATABASE_URL (or
 * DATABASE_URL) chooses explicitly; an empty TEST_DATABASE_URL forces PGlite; unset, we look for
 * the usual local server.
 */
export default async function setup(): Promise<void> {
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
