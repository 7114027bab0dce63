import { randomBytes } from "node:crypto";
import pg from "pg";
import type { Store } from "../../src/app/ports.js";
import { type Database, openDatabase } from "../../src/persistence/open-database.js";
import { createPrismaStore } from "../../src/persistence/prisma-store.js";
import { SCHOOL_MORNING, TestClock } from "./test-clock.js";

/** The PostgreSQL the tests use when one is configured; otherwise the embedded PGlite. */
export function testDatabaseUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || undefined;
}

export interface TestDatabase {
  store: Store;
  /** The school clock every store on this database writes its times from; apps on it share it. */
  clock: TestClock;
  kind: "postgres" | "pglite";
  url?: string;
  /** Raw SQL on the database, for tests that look at what is stored. */
  query<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T[]>;
  /** Opens another store on the same database (a second bot instance). PostgreSQL only. */
  openAnother(): Promise<Store>;
  /** A store for another school on the same database and connection; closing it leaves the database open. */
  storeFor(school: string): Store;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database for one test file: a new database on the test PostgreSQL, or an
 * in-memory PGlite. Files never share data, so they can run in parallel.
 */
export async function createTestDatabase(start: Date | string = SCHOOL_MORNING): Promise<TestDatabase> {
  const base = testDatabaseUrl();
  const clock = new TestClock(start);
  if (!base) {
    const database = await openDatabase({ kind: "pglite", dataDir: "memory://" });
    const store = createPrismaStore(database, clock);
    return {
      store,
      clock,
      kind: "pglite",
      query: (sql, ...params) => database.prisma.$queryRawUnsafe(sql, ...params),
      openAnother: () => Promise.reject(new Error("PGlite has one connection: use PostgreSQL for multi-instance tests")),
      storeFor: (school) => ({ ...createPrismaStore(database, clock, school), close: async () => {} }),
      drop: () => store.close(),
    };
  }
  const scratch = await createScratchPostgres(base, "hv_test");
  const stores: Store[] = [];
  const databases: Database[] = [];
  const open = async () => {
    const database = await openDatabase({ kind: "postgres", url: scratch.url });
    databases.push(database);
    const store = createPrismaStore(database, clock);
    stores.push(store);
    return store;
  };
  const store = await open();
  return {
    store,
    clock,
    kind: "postgres",
    url: scratch.url,
    query: (sql, ...params) => (databases[0] as Database).prisma.$queryRawUnsafe(sql, ...params),
    openAnother: open,
    storeFor: (school) => ({ ...createPrismaStore(databases[0] as Database, clock, school), close: async () => {} }),
    drop: async () => {
      for (const s of stores) await s.close();
      await scratch.drop();
    },
  };
}

export interface ScratchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A new, empty database on the PostgreSQL at `base`, for one test file or one bench run. */
export async function createScratchPostgres(base: string, prefix: string): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      const cleanup = new pg.Client({ connectionString: base });
      await cleanup.connect();
      // Let closed pools' connections finish going away first: a FORCE drop that terminates one
      // still closing reaches a pool whose error listener Prisma has already removed.
      for (let i = 0; i < 50; i++) {
        const { rows } = await cleanup.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1", [name]);
        if (rows[0]?.n === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}
