import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import cron from "node-cron";
import { syncFromWonde } from "./adapters/wonde/sync-from-wonde.js";
import { OutboxRunner } from "./app/delivery/outbox-runner.js";
import type { AdapterFactory, AppContext, Logger, PlatformAdapter, Store } from "./app/ports.js";
import { SchoolRegistry } from "./app/school-registry.js";
import { SchoolTicks } from "./app/tick-schools.js";
import { checkSetup } from "./app/use-cases/check-setup.js";
import { seedSchool } from "./app/use-cases/seed-school.js";
import { scheduleAttendanceJob } from "./attendance-jobs.js";
import { ConfigError } from "./config/config-error.js";
import type { Config } from "./config/load-config.js";
import { loadDirectoryFile, loadPolicyFile, loadRegisterMappingFile } from "./config/load-school.js";
import { scheduleDailyJobs } from "./daily-jobs.js";
import { type Clock, systemClock } from "./domain/clock.js";
import type { Platform } from "./domain/school-directory.js";
import { DownloadLinks } from "./http/download-links.js";
import { createHttpServer, HttpRoutes, sendJson } from "./http/http-server.js";
import { checkReadiness } from "./http/readiness.js";
import { createLogger } from "./observability/logger.js";
import { countTickFailure, metricsRegistry, observeTick, setBacklogSource } from "./observability/metrics.js";
import { useProcessLog } from "./observability/process-log.js";
import { openDatabase } from "./persistence/open-database.js";
import { createPrismaStore } from "./persistence/prisma-store.js";

export type { AdapterFactory, PlatformAdapter } from "./app/ports.js";

/**
 * The soonest the tick runs again after one ends: timers still due (another instance holds them,
 * or more than one tick's worth) are looked at again this soon, not in a busy loop.
 */
const MIN_WAKE_MS = 200;

export interface StartOptions {
  clock?: Clock;
  log?: Logger;
  /** Run the cron tick (default true). Tests turn it off and call tick() with a fixed clock. */
  tick?: boolean;
  adapters?: readonly AdapterFactory[];
  /** A store opened by the caller (tests share one database per file). */
  store?: Store;
  /** Outbox lease (tests make it short to prove renewal). */
  leaseMs?: number;
}

export interface RunningApp {
  server: Server;
  url: string;
  ctx: AppContext;
  /** Every school this process serves (ctx is the one SCHOOL_ID names). */
  schools: SchoolRegistry;
  adapters: PlatformAdapter[];
  /** This instance's id (the owner of its outbox leases). */
  instance: string;
  /** One tick: act on due timers, then deliver the outbox (tests; the cron tick does not wait for delivery). */
  tick(): Promise<void>;
  /** Deliver whatever the outbox holds now. */
  flush(): Promise<void>;
  /** Stops within `deadline` (ms since the epoch; default 10 s from now): see README, "Running it in production". */
  stop(deadline?: number): Promise<void>;
}

/** The composition root: config in, a running bot out. */
export async function startApp(config: Config, options: StartOptions = {}): Promise<RunningApp> {
  const log = options.log ?? createLogger(config.log);
  useProcessLog(log);
  const files = { policy: loadPolicyFile(config.policyFile), directory: loadDirectoryFile(config.schoolFile) };
  const registerMapping = loadRegisterMappingFile(config.attendance.mappingFile);
  const clock = options.clock ?? systemClock;
  const store =
    options.store ??
    createPrismaStore(await openDatabase(config.database, { timeoutMs: config.databaseTimeoutMs, log }), clock, config.schoolId);
  const { policy, directory } = await seedSchool(store, files, log);
  const instance = randomUUID();

  const downloads = new DownloadLinks(config.publicUrl, clock, (entry) => store.appendAudit(entry));
  const platforms: Platform[] = [];
  const ctx: AppContext = {
    store,
    clock,
    downloads,
    policy,
    directory,
    log,
    kick: () => registry.kick(store.school),
    platforms,
    registerMapping,
  };
  const registry = new SchoolRegistry(ctx);

  let lastTickAt = Date.now();
  let shuttingDown = false;
  const adapters: PlatformAdapter[] = [];
  const routes = new HttpRoutes();
  downloads.register(routes);
  routes.add("GET", "/healthz", (_req, res) => sendJson(res, 200, { status: "ok", db: store.kind }));
  routes.add("GET", "/readyz", async (_req, res) => {
    const readiness = await checkReadiness({
      store,
      clock,
      tickSeconds: config.tickSeconds,
      lastTickAt: () => lastTickAt,
      credentials: () => adapters.flatMap((a) => (a.credentials ? [{ platform: a.platform, status: a.credentials() }] : [])),
      shuttingDown: () => shuttingDown,
    });
    res.setHeader("cache-control", "no-store");
    sendJson(res, readiness.ready ? 200 : 503, { status: readiness.ready ? "ready" : "not-ready", reasons: readiness.reasons });
  });
  routes.add("GET", "/metrics", async (_req, res) => {
    const body = await metricsRegistry.metrics();
    res.writeHead(200, { "content-type": metricsRegistry.contentType });
    res.end(body);
  });
  for (const factory of options.adapters ?? []) {
    const adapter = await factory({ ctx, routes, config, schools: registry });
    if (adapter) {
      adapters.push(adapter);
      platforms.push(adapter.platform);
    }
  }
  await checkPolicyAgainstDirectory(ctx, adapters, config);
  const runners = new Map<string, OutboxRunner>();
  const jobs = options.tick !== false;
  await registry.start((school) => {
    const deliveries = new Map(adapters.map((a) => [a.platform, a.deliveryFor?.(school) ?? a.delivery] as const));
    const runner = new OutboxRunner(school, deliveries, {
      owner: instance,
      concurrency: config.deliveryConcurrency,
      leaseMs: options.leaseMs,
    });
    runners.set(school.store.school, runner);
    const home = school === ctx;
    const daily = jobs ? scheduleDailyJobs(school, instance) : null;
    const attendance = jobs
      ? scheduleAttendanceJob(school, instance, config.attendance, home ? attendanceWork(config) : {})
      : null;
    runner.kick();
    return {
      kick: () => runner.kick(),
      flush: () => runner.flush(),
      stop: async (deadline) => {
        await daily?.stop();
        await attendance?.stop();
        await runner.stop(deadline);
      },
    };
  });
  setBacklogSource(() => store.outboxBacklog());
  const ticks = new SchoolTicks(registry);

  /** The safety tick decides and writes; delivery runs beside it (kicked), never inside it. */
  const safetyTick = async () => {
    const started = process.hrtime.bigint();
    try {
      await ticks.tickAll();
      lastTickAt = Date.now();
    } catch (error) {
      countTickFailure();
      throw error;
    } finally {
      observeTick(Number(process.hrtime.bigint() - started) / 1e9);
    }
  };
  let ticking: Promise<void> | null = null;
  let wake: NodeJS.Timeout | undefined;
  const runTick = () => {
    if (ticking || shuttingDown) return; // a slow tick is never overlapped by the next one
    ticking = safetyTick()
      // While the database is known to be down, its one "unreachable" line says it all.
      .catch((error: unknown) => {
        if (store.health.reachable) log.error("tick failed", { err: error });
      })
      .finally(() => {
        ticking = null;
        registry.kickAll(); // retries whose backoff has ended, and what the tick queued
        void wakeAtNextDue();
      });
  };
  /** Between cron firings, the tick also runs when the next timer falls due: the cron stays the safety net. */
  const wakeAtNextDue = async () => {
    const next = await ticks.nextDue();
    if (!next || shuttingDown) return;
    const inMs = Math.max(MIN_WAKE_MS, next.getTime() - clock.now().getTime());
    if (inMs >= config.tickSeconds * 1000) return; // the cron comes first
    clearTimeout(wake);
    wake = setTimeout(runTick, inMs).unref();
  };
  const task = options.tick === false ? null : cron.schedule(`*/${config.tickSeconds} * * * * *`, runTick);

  const http = createHttpServer(routes, log);
  await new Promise<void>((resolve, reject) => {
    http.server.once("error", reject);
    http.server.listen(config.port, config.host, () => {
      http.server.off("error", reject);
      resolve();
    });
  });
  const address = http.server.address() as AddressInfo;
  const url = `http://${config.host === "0.0.0.0" ? "127.0.0.1" : config.host}:${address.port}`;

  let stopped: Promise<void> | null = null;
  const stop = async (deadline: number) => {
    shuttingDown = true;
    // Nothing new: no tick claims timers, no runner claims rows (it gives back those it holds unsent).
    await task?.stop();
    clearTimeout(wake);
    const delivering = registry.stop(deadline - 500);
    // Requests in flight are answered; keep-alive connections close; at the deadline the rest is cut.
    await http.drain(deadline - 1500);
    await Promise.race([ticking ?? ticks.settled(), sleepUntil(deadline - 1000)]);
    // Adapters finish the work behind requests already acknowledged (they may queue messages).
    await Promise.all(adapters.map((adapter) => adapter.stop?.(deadline - 1000)));
    await delivering;
    setBacklogSource(null);
    if (!options.store) await Promise.race([store.close(), sleepUntil(deadline - 200)]);
  };

  return {
    server: http.server,
    url,
    ctx,
    adapters,
    instance,
    schools: registry,
    tick: async () => {
      await safetyTick();
      await registry.flushAll();
    },
    flush: () => registry.flushAll(),
    stop: (deadline = Date.now() + config.shutdownSeconds * 1000) => {
      stopped ??= stop(deadline);
      return stopped;
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

/** The Wonde pull, when WONDE_TOKEN and WONDE_SCHOOL_ID are set. */
function attendanceWork(config: Config) {
  const wonde = config.attendance.wonde;
  return wonde ? { sync: (ctx: AppContext) => syncFromWonde(ctx, wonde).then(() => undefined) } : {};
}

function sleepUntil(at: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())).unref());
}
