import { randomBytes } from "node:crypto";
import pg from "pg";
import type { Store } from "../../src/app/ports.js";
import { openDatabase } from "../../src/persistence/open-database.js";
import { createPrismaStore } from "../../src/persistence/prisma-store.js";

/** The PostgreSQL the tests use when one is configured; otherwise the embedded PGlite. */
export function testDatabaseUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || undefined;
}

export interface TestDatabase {
  store: Store;
  kind: "postgres" | "pglite";
  url?: string;
  /** Opens another store on the same database (a second bot instance). PostgreSQL only. */
  openAnother(): Promise<Store>;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database for one test file: a new database on the test PostgreSQL, or an
 * in-memory PGlite. Files never share data, so they can run in parallel.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const base = testDatabaseUrl();
  if (!base) {
    const store = createPrismaStore(await openDatabase({ kind: "pglite", dataDir: "memory://" }));
    return {
      store,
      kind: "pglite",
      openAnother: () => Promise.reject(new Error("PGlite has one connection: use PostgreSQL for multi-instance tests")),
      drop: () => store.close(),
    };
  }
  const name = `hv_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  const stores: Store[] = [];
  const open = async () => {
    const store = createPrismaStore(await openDatabase({ kind: "postgres", url: url.toString() }));
    stores.push(store);
    return store;
  };
  const store = await open();
  return {
    store,
    kind: "postgres",
    url: url.toString(),
    openAnother: open,
    drop: async () => {
      for (const s of stores) await s.close();
      const cleanup = new pg.Client({ connectionString: base });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}
