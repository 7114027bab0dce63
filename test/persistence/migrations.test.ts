import { appendFileSync, cpSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { describe, expect, it } from "vitest";
import { applyMigrations, MigrationError } from "../../src/persistence/apply-migrations.js";
import { migrationsDir } from "../../src/persistence/open-database.js";

function pgliteConnection(db: PGlite) {
  return {
    query: async <T>(sql: string, params?: unknown[]) => (await db.query<T>(sql, params)).rows,
    exec: async (script: string) => {
      await db.exec(script);
    },
  };
}

const migrationNames = readdirSync(migrationsDir, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

describe("applying migrations at start-up", () => {
  it("applies every migration once, in order, and records it as Prisma does", async () => {
    const db = new PGlite("memory://");
    const first = await applyMigrations(pgliteConnection(db), migrationsDir);
    expect(first.applied).toEqual(migrationNames);
    const rows = await db.query<{ migration_name: string; checksum: string; applied_steps_count: number }>(
      `SELECT migration_name, checksum, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(rows.rows.map((r) => r.migration_name)).toEqual(migrationNames);
    expect(rows.rows.every((r) => /^[0-9a-f]{64}$/.test(r.checksum) && r.applied_steps_count === 1)).toBe(true);

    const second = await applyMigrations(pgliteConnection(db), migrationsDir);
    expect(second).toEqual({ applied: [], alreadyApplied: migrationNames.length });
    await db.close();
  });

  it("refuses to start while a failed migration is unresolved (Prisma's P3009)", async () => {
    const db = new PGlite("memory://");
    await applyMigrations(pgliteConnection(db), migrationsDir);
    await db.query(`INSERT INTO "_prisma_migrations" (id, checksum, migration_name) VALUES ('x', 'y', '99999999_broken')`);
    await expect(applyMigrations(pgliteConnection(db), migrationsDir)).rejects.toThrow(MigrationError);
    await expect(applyMigrations(pgliteConnection(db), migrationsDir)).rejects.toThrow(/99999999_broken.*rolled_back_at/s);
    await db.close();
  });

  it("refuses to start when an applied migration was edited since, naming it and saying what to do", async () => {
    const copy = join(mkdtempSync(join(tmpdir(), "hv-migrations-")), "migrations");
    cpSync(migrationsDir, copy, { recursive: true });
    const db = new PGlite("memory://");
    await applyMigrations(pgliteConnection(db), copy);
    const edited = migrationNames[1] as string;
    appendFileSync(join(copy, edited, "migration.sql"), "\n-- a change made after it was applied\n");
    const refusal = await applyMigrations(pgliteConnection(db), copy).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(MigrationError);
    expect(refusal).toMatchObject({ code: "edited" });
    expect(String((refusal as Error).message)).toContain(`Migration ${edited} was applied`);
    expect(String((refusal as Error).message)).toMatch(/db:migrate:create/);
    await db.close();
  });

  it("creates the tables the app needs, with the audit trail append-only", async () => {
    const db = new PGlite("memory://");
    await applyMigrations(pgliteConnection(db), migrationsDir);
    const tables = await db.query<{ tablename: string }>(
      `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`,
    );
    expect(tables.rows.map((r) => r.tablename)).toEqual(
      expect.arrayContaining(["AuditEntry", "ChannelBinding", "Outbox", "Timer", "Visit", "VisitRecord", "_prisma_migrations"]),
    );
    await db.query(
      `INSERT INTO "AuditEntry" (at, "actorId", actor, platform, action) VALUES (now(), 'a', 'A', 'console', 'test')`,
    );
    await expect(db.query(`UPDATE "AuditEntry" SET action = 'changed'`)).rejects.toThrow(/append-only/);
    await expect(db.query(`DELETE FROM "AuditEntry"`)).rejects.toThrow(/append-only/);
    await db.close();
  });
});
