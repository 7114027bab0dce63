import { consoleUrl, shouldServeConsole } from "./adapters/console/console-adapter.js";
import { createConsoleClock } from "./adapters/console/console-clock.js";
import { ConfigError } from "./config/config-error.js";
import { type Config, loadConfig } from "./config/load-config.js";
import { type AppLogger, createLogger } from "./observability/logger.js";
import { type DataDirLock, lockDataDir } from "./persistence/data-dir-lock.js";
import { platformAdapters } from "./platform-adapters.js";
import { type RunningApp, startApp } from "./start-app.js";

/**
 * The process: read the settings, take DATA_DIR's lock (embedded database), start the bot, say
 * plainly what is and is not configured, and on SIGTERM or SIGINT stop within SHUTDOWN_SECONDS
 * with exit code 0, whatever Slack, Teams or the database are doing.
 */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    // No settings, no log format: this is for the person starting it.
    process.stderr.write(`homevisit cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  const log = createLogger(config.log);
  let lock: DataDirLock | null = null;
  let app: RunningApp | null = null;
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    const deadline = Date.now() + config.shutdownSeconds * 1000;
    log.info(`${signal} received: stopping within ${config.shutdownSeconds} s`);
    // Whatever hangs (a platform, the database), the process ends in time, and with 0: it was asked to.
    setTimeout(() => exit(log, lock, 0, "shutdown deadline reached; exiting"), Math.max(0, deadline - Date.now() - 100)).unref();
    Promise.resolve(app?.stop(deadline - 300))
      .catch((error: unknown) => log.error("error while stopping", { err: error }))
      .finally(() => exit(log, lock, 0, "stopped"));
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
  // One bad request or a bug in a library must not stop the bot that watches visits: log it loudly.
  process.on("unhandledRejection", (reason) =>
    log.error("unhandled promise rejection (a bug: please report it)", { err: reason }),
  );

  try {
    if (config.database.kind === "pglite" && !config.database.dataDir.startsWith("memory://"))
      lock = lockDataDir(config.database.dataDir);
    // The console's clock can be run faster from its page (never in production).
    const clock = shouldServeConsole(config) ? createConsoleClock(config) : undefined;
    app = await startApp(config, { log, adapters: platformAdapters, clock });
  } catch (error) {
    if (error instanceof ConfigError) log.error(`homevisit cannot start: ${error.message}`);
    else log.error("homevisit cannot start", { err: error });
    exit(log, lock, 1);
    return;
  }
  if (stopping) return;
  log.info(`homevisit is running on ${app.url} (database: ${app.ctx.store.kind})`);
  const lines = [`health:  ${app.url}/healthz   ready: ${app.url}/readyz   metrics: ${app.url}/metrics`];
  for (const adapter of app.adapters) {
    if (adapter.platform === "console") lines.push(`console: ${consoleUrl(app.url)} (act as anyone in the school)`);
    else lines.push(`${adapter.platform}: on`);
  }
  for (const line of [...lines, ...config.notes]) log.info(`  ${line}`);
}

function exit(log: AppLogger, lock: DataDirLock | null, code: number, message?: string): never {
  if (message) log.info(`homevisit: ${message}`);
  lock?.release();
  process.exit(code);
}

void main();
