import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { applyMigrations, type MigrationConnection, type MigrationReport } from "./apply-migrations.js";
import { PrismaClient } from "./generated/client.js";

export const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "prisma", "migrations");

export interface Database {
  kind: "postgres" | "pglite";
  prisma: PrismaClient;
  migrations: MigrationReport;
  close(): Promise<void>;
}

export type DatabaseTarget = { kind: "postgres"; url: string } | { kind: "pglite"; dataDir: string };

/**
 * Opens PostgreSQL (DATABASE_URL) or the embedded PGlite in DATA_DIR, applies any pending
 * migrations, and returns a Prisma client over the matching driver adapter.
 */
export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  return target.kind === "postgres" ? openPostgres(target.url) : openPglite(target.dataDir);
}

async function openPostgres(url: string): Promise<Database> {
  const client = new pg.Client({ connectionString: url });
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
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle connection dropped by the server (restart, DROP DATABASE) must not crash the process.
  pool.on("error", () => {});
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    kind: "postgres",
    prisma,
    migrations,
    close: async () => {
      await prisma.$disconnect();
      await pool.end().catch(() => {});
    },
  };
}

async function openPglite(dataDir: string): Promise<Database> {
  // PGlite does not create parent directories, and has no file locking: one process per directory.
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
    close: async () => {
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}
