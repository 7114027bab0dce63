import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import cron from "node-cron";
import { consoleLogger } from "./app/app-context.js";
import type { AdapterFactory, AppContext, ChatDelivery, Logger, PlatformAdapter, Store } from "./app/ports.js";
import { applyRetention } from "./app/use-cases/apply-retention.js";
import { checkSetup } from "./app/use-cases/check-setup.js";
import { deliverOutbox } from "./app/use-cases/deliver-outbox.js";
import { runSafetyTick } from "./app/use-cases/run-safety-tick.js";
import { ConfigError } from "./config/config-error.js";
import type { Config } from "./config/load-config.js";
import { loadDirectoryFile, loadPolicyFile } from "./config/load-school.js";
import { type Clock, systemClock } from "./domain/clock.js";
import type { Platform } from "./domain/school-directory.js";
import { DownloadLinks } from "./http/download-links.js";
import { createHttpServer, HttpRoutes, sendJson } from "./http/http-server.js";
import { openDatabase } from "./persistence/open-database.js";
import { createPrismaStore } from "./persistence/prisma-store.js";

export type { AdapterFactory, PlatformAdapter } from "./app/ports.js";

export interface StartOptions {
  clock?: Clock;
  log?: Logger;
  /** Run the cron tick (default true). Tests turn it off and call tick() with a fixed clock. */
  tick?: boolean;
  adapters?: readonly AdapterFactory[];
  /** A store opened by the caller (tests share one database per file). */
  store?: Store;
}

export interface RunningApp {
  server: Server;
  url: string;
  ctx: AppContext;
  adapters: PlatformAdapter[];
  /** One tick: act on due timers, then deliver the outbox. */
  tick(): Promise<void>;
  /** Deliver whatever the outbox holds now. */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

/** The composition root: config in, a running bot out. */
export async function startApp(config: Config, options: StartOptions = {}): Promise<RunningApp> {
  const log = options.log ?? consoleLogger;
  const policy = loadPolicyFile(config.policyFile);
  const directory = loadDirectoryFile(config.schoolFile);
  const clock = options.clock ?? systemClock;
  const store = options.store ?? createPrismaStore(await openDatabase(config.database), clock);
  const owner = randomUUID();

  const deliveries = new Map<Platform, ChatDelivery>();
  let delivering: Promise<void> | null = null;
  let again = false;
  const flush = async (): Promise<void> => {
    if (delivering) {
      again = true;
      return delivering;
    }
    delivering = (async () => {
      do {
        again = false;
        const report = await deliverOutbox(ctx, deliveries, owner).catch((error: unknown) => {
          log.error("outbox delivery failed", { error: String(error) });
          return { delivered: 0, failed: 0 };
        });
        if (report.delivered > 0) again = true;
      } while (again);
    })().finally(() => {
      delivering = null;
    });
    return delivering;
  };

  const downloads = new DownloadLinks(config.publicUrl, clock, (entry) => store.appendAudit(entry));
  const ctx: AppContext = {
    store,
    clock,
    downloads,
    policy,
    directory,
    log,
    kick: () => {
      void flush();
    },
  };

  const routes = new HttpRoutes();
  downloads.register(routes);
  routes.add("GET", "/healthz", (_req, res) => sendJson(res, 200, { status: "ok", db: store.kind }));
  const adapters: PlatformAdapter[] = [];
  for (const factory of options.adapters ?? []) {
    const adapter = await factory({ ctx, routes, config });
    if (adapter) {
      adapters.push(adapter);
      deliveries.set(adapter.platform, adapter.delivery);
    }
  }

  await checkPolicyAgainstDirectory(ctx, adapters, config);

  const tick = async () => {
    await runSafetyTick(ctx);
    await flush();
  };
  let ticking = false;
  const task =
    options.tick === false
      ? null
      : cron.schedule(`*/${config.tickSeconds} * * * * *`, async () => {
          if (ticking) return; // a slow tick is never overlapped by the next one
          ticking = true;
          await tick()
            .catch((error: unknown) => log.error("tick failed", { error: String(error) }))
            .finally(() => {
              ticking = false;
            });
        });

  // Daily, at 02:30: anonymise what has passed the policy's retention period.
  const retention =
    options.tick === false
      ? null
      : cron.schedule("30 2 * * *", () => {
          applyRetention(ctx).catch((error: unknown) => log.error("retention job failed", { error: String(error) }));
        });

  const server = createHttpServer(routes, (error) => log.error("request failed", { error: String(error) }));
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  const address = server.address() as AddressInfo;
  const url = `http://${config.host === "0.0.0.0" ? "127.0.0.1" : config.host}:${address.port}`;

  return {
    server,
    url,
    ctx,
    adapters,
    tick,
    flush,
    stop: async () => {
      await task?.stop();
      await retention?.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections?.();
      // Adapters first: their in-flight handlers may still queue messages.
      for (const adapter of adapters) await adapter.stop?.();
      await delivering;
      if (!options.store) await store.close();
    },
  };
}

/**
 * The policy checked against the directory before anyone relies on it: a role nobody reachable
 * holds, or a channel nobody set, stops production with what to fix; in development it is said loudly.
 */
async function checkPolicyAgainstDirectory(ctx: AppContext, adapters: readonly PlatformAdapter[], config: Config): Promise<void> {
  const problems = await checkSetup(
    ctx,
    adapters.map((adapter) => adapter.platform),
  );
  const errors = problems.filter((problem) => problem.severity === "error");
  if (config.nodeEnv === "production" && errors.length > 0)
    throw new ConfigError(`The school's setup does not work with its policy:\n${errors.map((p) => `  - ${p.text}`).join("\n")}`);
  for (const problem of problems) ctx.log.warn(`setup: ${problem.text}`);
}
