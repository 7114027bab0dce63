import { createHash, randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The raw SQL a migration run needs: one connection, multi-statement scripts allowed. */
export interface MigrationConnection {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  exec(script: string): Promise<void>;
}

export interface MigrationReport {
  applied: string[];
  alreadyApplied: number;
}

// The advisory lock id `prisma migrate deploy` uses, so we and Prisma's CLI never migrate at once.
const PRISMA_ADVISORY_LOCK = 72707369;

const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export class MigrationError extends Error {
  constructor(
    /** Prisma's codes (P3009 failed earlier, P3018 failed now); "edited": an applied migration's file changed. */
    readonly code: "P3009" | "P3018" | "edited",
    message: string,
  ) {
    super(message);
    this.name = "MigrationError";
  }
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/**
 * Does what `prisma migrate deploy` does, without Prisma's native engine: applies
 * prisma/migrations/<name>/migration.sql in name order, each in its own transaction, and records
 * them in Prisma's own `_prisma_migrations` table so the stock CLI agrees with us.
 */
export async function applyMigrations(db: MigrationConnection, migrationsDir: string): Promise<MigrationReport> {
  await db.query("SELECT pg_advisory_lock($1)", [PRISMA_ADVISORY_LOCK]);
  try {
    await db.exec(CREATE_MIGRATIONS_TABLE);
    const rows = await db.query<AppliedRow>(
      `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`,
    );
    const failed = rows.find((row) => row.finished_at === null && row.rolled_back_at === null);
    if (failed) {
      throw new MigrationError(
        "P3009",
        `Migration ${failed.migration_name} failed earlier and is not resolved. Fix the database, then mark it rolled back (UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = '${failed.migration_name}') before starting again.`,
      );
    }
    const finished = rows.filter((row) => row.finished_at !== null && row.rolled_back_at === null);
    const done = new Set(finished.map((row) => row.migration_name));
    const names = listMigrations(migrationsDir);
    refuseEdited(finished, names, migrationsDir);
    const applied: string[] = [];
    for (const name of names) {
      if (done.has(name)) continue;
      const sql = readFileSync(join(migrationsDir, name, "migration.sql"), "utf8");
      await applyOne(db, name, sql);
      applied.push(name);
    }
    return { applied, alreadyApplied: done.size };
  } finally {
    await db.query("SELECT pg_advisory_unlock($1)", [PRISMA_ADVISORY_LOCK]);
  }
}

/**
 * As Prisma does: a migration already applied must be the file that was applied. Editing one
 * would leave this database and a fresh one different with nothing to say so; refuse, naming it.
 */
function refuseEdited(finished: readonly AppliedRow[], names: readonly string[], migrationsDir: string): void {
  const present = new Set(names);
  for (const row of finished) {
    if (!present.has(row.migration_name)) continue;
    const sql = readFileSync(join(migrationsDir, row.migration_name, "migration.sql"), "utf8");
    if (checksumOf(sql) === row.checksum) continue;
    throw new MigrationError(
      "edited",
      `Migration ${row.migration_name} was applied to this database and its file has been edited since (checksum ${checksumOf(sql).slice(0, 12)}… is not the applied ${row.checksum.slice(0, 12)}…). Restore prisma/migrations/${row.migration_name}/migration.sql as it was (e.g. git checkout), and put the change in a new migration: npm run db:migrate:create -- <name>.`,
    );
  }
}

function checksumOf(sql: string): string {
  return createHash("sha256").update(sql).digest("hex");
}

async function applyOne(db: MigrationConnection, name: string, sql: string): Promise<void> {
  const id = randomUUID();
  const checksum = checksumOf(sql);
  await db.query(`INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())`, [
    id,
    checksum,
    name,
  ]);
  try {
    await db.exec(`BEGIN;\n${sql}\n;COMMIT;`);
  } catch (error) {
    await db.exec("ROLLBACK").catch(() => {});
    const message = error instanceof Error ? error.message : String(error);
    await db.query(`UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1`, [id, message]);
    throw new MigrationError("P3018", `Migration ${name} failed and was rolled back: ${message}`);
  }
  await db.query(`UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`, [id]);
}

function listMigrations(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}
