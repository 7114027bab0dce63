import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { type Logger, silentLogger } from "../app/app-context.js";
import { applyMigrations, type MigrationConnection, type MigrationReport } from "./apply-migrations.js";
import { DatabaseHealth } from "./database-health.js";
import { PrismaClient } from "./generated/client.js";
import { guardPool } from "./guarded-pool.js";

/** prisma/migrations, found from this file whether it runs as src/… (tsx, tests) or dist/src/… (built). */
export const migrationsDir = findMigrationsDir(dirname(fileURLToPath(import.meta.url)));

function findMigrationsDir(from: string): string {
  for (let dir = from, up = 0; up < 6; up++, dir = dirname(dir)) {
    const candidate = join(dir, "prisma", "migrations");
    if (existsSync(join(dir, "package.json")) && existsSync(candidate)) return candidate;
  }
  throw new Error(`prisma/migrations not found above ${from}: run homevisit from its own folder`);
}

export interface Database {
  kind: "postgres" | "pglite";
  prisma: PrismaClient;
  migrations: MigrationReport;
  /** Whether the database answers, as the last queries saw it (PGlite, in-process, always does). */
  health: { readonly reachable: boolean; readonly problem: string | null };
  /** SELECT 1 within `timeoutMs`, or a rejection saying why not. */
  ping(timeoutMs: number): Promise<void>;
  /**
   * Runs `work` holding a PostgreSQL session advisory lock on one connection of its own; resolves
   * false without running it when another instance holds the lock. PGlite is one process: always runs.
   */
  withAdvisoryLock(key: string, work: () => Promise<void>): Promise<boolean>;
  close(): Promise<void>;
}

export type DatabaseTarget = { kind: "postgres"; url: string } | { kind: "pglite"; dataDir: string };

export interface DatabaseOptions {
  /** Connect and query timeout towards PostgreSQL (default 10 s; the app passes DATABASE_TIMEOUT_SECONDS). */
  timeoutMs?: number;
  log?: Logger;
}

/**
 * Opens PostgreSQL (DATABASE_URL) or the embedded PGlite in DATA_DIR, applies any pending
 * migrations, and returns a Prisma client over the matching driver adapter.
 */
export async function openDatabase(target: DatabaseTarget, options: DatabaseOptions = {}): Promise<Database> {
  return target.kind === "postgres" ? openPostgres(target.url, options) : openPglite(target.dataDir);
}

async function openPostgres(url: string, options: DatabaseOptions): Promise<Database> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: Math.max(timeoutMs, 5000) });
  await client.connect();
  let migrations: MigrationReport;
  try {
    migrations = await applyMigrations(
      {
        query: async (sql, params) => (await client.query(sql, params)).rows,
        exec: async (script) => {
          await client.query(script);
        },
      },
      migrationsDir,
    );
  } finally {
    await client.end();
  }
  const settings: pg.PoolConfig = {
    connectionString: url,
    max: 10,
    // A blackholed server must not hold a user for a minute: fail within the timeout and say so.
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    // The server's side: a query or an open transaction left by a client that vanished is ended.
    statement_timeout: Math.max(30_000, timeoutMs * 2),
    idle_in_transaction_session_timeout: 60_000,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  };
  const pool = new pg.Pool(settings);
  // An idle connection dropped by the server (restart, DROP DATABASE) must not crash the process.
  pool.on("error", () => {});
  const probe = async () => {
    const probeClient = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000, query_timeout: 1000 });
    try {
      await probeClient.connect();
      await probeClient.query("SELECT 1");
    } finally {
      await probeClient.end().catch(() => {});
    }
  };
  const health = new DatabaseHealth(options.log ?? silentLogger, probe);
  guardPool(pool, health);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    kind: "postgres",
    prisma,
    migrations,
    health,
    ping: (ms) =>
      withTimeout(
        pool.query("SELECT 1").then(() => undefined),
        ms,
        "the database did not answer",
      ),
    withAdvisoryLock: async (key, work) => {
      const connection = await pool.connect();
      let locked = false;
      try {
        const result = await connection.query<{ locked: boolean }>("SELECT pg_try_advisory_lock(hashtext($1)) AS locked", [key]);
        locked = result.rows[0]?.locked === true;
        if (locked) await work();
        return locked;
      } finally {
        if (locked) await connection.query("SELECT pg_advisory_unlock(hashtext($1))", [key]).catch(() => {});
        connection.release();
      }
    },
    close: async () => {
      health.close();
      await prisma.$disconnect();
      await pool.end().catch(() => {});
    },
  };
}

async function openPglite(dataDir: string): Promise<Database> {
  // PGlite does not create parent directories, and has no file locking: one process per directory
  // (the app takes DATA_DIR's lock first, see data-dir-lock.ts).
  if (!dataDir.startsWith("memory://")) mkdirSync(dataDir, { recursive: true });
  const pglite = new PGlite(dataDir);
  await pglite.waitReady;
  const connection: MigrationConnection = {
    query: async <T>(sql: string, params?: unknown[]) => (await pglite.query<T>(sql, params)).rows,
    exec: async (script) => {
      await pglite.exec(script);
    },
  };
  const migrations = await applyMigrations(connection, migrationsDir);
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  return {
    kind: "pglite",
    prisma,
    migrations,
    health: { reachable: true, problem: null },
    ping: (ms) =>
      withTimeout(
        pglite.query("SELECT 1").then(() => undefined),
        ms,
        "the embedded database did not answer",
      ),
    withAdvisoryLock: async (_key, work) => {
      await work();
      return true;
    },
    close: async () => {
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}

function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
