import { silentLogger } from "../../src/app/app-context.js";
import { loadConfig } from "../../src/config/load-config.js";
import { type AdapterFactory, type RunningApp, startApp } from "../../src/start-app.js";
import type { TestClock } from "./test-clock.js";
import { createTestDatabase, type TestDatabase } from "./test-database.js";

export interface TestApp extends RunningApp {
  clock: TestClock;
  db: TestDatabase;
  close(): Promise<void>;
}

/**
 * Starts the real app on port 0 over a fresh database, with a clock the test moves and no cron:
 * the test calls tick() when it wants the timers looked at.
 */
export async function startTestApp(
  env: Record<string, string | undefined> = {},
  options: {
    adapters?: readonly AdapterFactory[];
    start?: string;
    db?: TestDatabase;
    leaseMs?: number;
    /** Another school on the same database (isolation tests). */
    school?: string;
    /** Run the cron tick (default false: the test calls tick() itself). */
    tick?: boolean;
  } = {},
): Promise<TestApp> {
  const db = options.db ?? (await createTestDatabase(options.start));
  // The database's clock: the app and its store write the same school time.
  const clock = db.clock;
  if (options.start) clock.set(options.start);
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    NODE_ENV: "test",
    POLICY_FILE: "policies/default.yaml",
    SCHOOL_FILE: "schools/demo.yaml",
    ...env,
  });
  const app = await startApp(config, {
    clock,
    log: silentLogger,
    tick: options.tick ?? false,
    adapters: options.adapters ?? [],
    store: options.school ? db.storeFor(options.school) : db.store,
    leaseMs: options.leaseMs,
  });
  return {
    ...app,
    clock,
    db,
    close: async () => {
      await app.stop();
      if (!options.db) await db.drop();
    },
  };
}
