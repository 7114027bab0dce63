import { consoleUrl, shouldServeConsole } from "./adapters/console/console-adapter.js";
import { createConsoleClock } from "./adapters/console/console-clock.js";
import { consoleLogger } from "./app/app-context.js";
import { ConfigError } from "./config/config-error.js";
import { loadConfig } from "./config/load-config.js";
import { platformAdapters } from "./platform-adapters.js";
import { startApp } from "./start-app.js";

/** `npm start`: read the settings, start the bot, and say plainly what is and is not configured. */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  // The console's clock can be run faster from its page (never in production).
  const clock = shouldServeConsole(config) ? createConsoleClock(config) : undefined;
  const app = await startApp(config, { log: consoleLogger, adapters: platformAdapters, clock });
  console.log(`homevisit is running on ${app.url} (database: ${app.ctx.store.kind})`);
  console.log(`  health:  ${app.url}/healthz`);
  for (const adapter of app.adapters) {
    if (adapter.platform === "console") console.log(`  console: ${consoleUrl(app.url)} (act as anyone in the school)`);
    else console.log(`  ${adapter.platform}: on`);
  }
  for (const note of config.notes) console.log(`  ${note}`);
  const shutdown = async (signal: string) => {
    console.log(`homevisit: ${signal} received, stopping`);
    await app.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`homevisit cannot start: ${error.message}`);
  } else {
    console.error("homevisit cannot start:", error);
  }
  process.exit(1);
});
