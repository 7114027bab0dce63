/**
 * The safety tick under load: how long one tick takes with 5,000 visits under way and ~1% of their
 * timers due, how late an escalation step is queued with the cron tick (real clock), and the same
 * figures for a naive once-a-minute full scan.
 *
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx -e "import('./bench/tick.ts').then(m => m.runTickBench())"
 *
 * Uses a fresh database on that server (dropped afterwards); without TEST_DATABASE_URL or
 * DATABASE_URL it runs on an in-memory PGlite and says so. Takes well under two minutes.
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { type AppContext, silentLogger } from "../src/app/app-context.js";
import { loadReach } from "../src/app/reach.js";
import { runSafetyTick } from "../src/app/use-cases/run-safety-tick.js";
import { loadPolicyFile } from "../src/config/load-school.js";
import { type Clock, systemClock } from "../src/domain/clock.js";
import { nextStep } from "../src/domain/safety/safety-engine.js";
import { activeStatuses } from "../src/domain/visit-lifecycle.js";
import type { Database } from "../src/persistence/open-database.js";
import { createPrismaStore } from "../src/persistence/prisma-store.js";
import { startApp } from "../src/start-app.js";
import { benchConfig, MINUTE, nullChat, openBenchDatabase, printTable, round, sleep, underWay } from "./bench-support.js";
import { insertVisits } from "./insert-visits.js";

const VISITS = 5_000;
/** 1% of the visits fall due in each measured tick. */
const DUE_PER_TICK = 50;
const MEASURED_TICKS = 5;
const TARGET_TICK_MS = 200;

export interface TickBenchFigures {
  database: "postgres" | "pglite";
  visits: number;
  duePerTick: number;
  /** Timers each measured tick processed: the newly due, plus the two-minute re-checks of earlier steps. */
  processedPerTick: number[];
  /** One tick with nothing due (the index lookup only). */
  idleTickMs: number;
  /** The first tick that does work (cold statement caches). */
  coldTickMs: number;
  /** The following ticks, each with DUE_PER_TICK timers due. */
  tickMs: number[];
  medianTickMs: number;
  worstTickMs: number;
  targetTickMs: number;
  naiveScan: { loadMs: number; computeMs: number; totalMs: number; latenessBoundS: number };
  lateness: { tickSeconds: number; samples: number; meanS: number; worstS: number; boundS: number }[];
}

export async function runTickBench(): Promise<TickBenchFigures> {
  const started = performance.now();
  const target = await openBenchDatabase();
  console.log(`tick bench: ${target.note}`);
  // A day ahead of the real clock, so the real-clock part below never sees these timers fall due.
  const T = new Date(Math.ceil((Date.now() + 24 * 60 * MINUTE) / MINUTE) * MINUTE);
  // Fixed while the ticks are measured; real time (null) for the lateness part, which the store sees too.
  const fixed: { at: Date | null } = { at: T };
  const clock: Clock = { now: () => (fixed.at ? new Date(fixed.at) : new Date()) };
  const store = createPrismaStore(target.db, clock);
  const policy = loadPolicyFile("policies/default.yaml");
  try {
    // 5,000 visits under way; group g (50 visits) misses its check-in at T + g minutes.
    let t = performance.now();
    const visits = Array.from({ length: VISITS }, (_, i) => {
      const group = Math.floor(i / DUE_PER_TICK);
      return underWay(`HV-B${String(i).padStart(5, "0")}`, policy, new Date(T.getTime() + group * MINUTE));
    });
    await insertVisits(target.db, visits);
    console.log(`tick bench: inserted ${VISITS} visits with timers in ${Math.round(performance.now() - t)} ms`);

    const app = await startApp(benchConfig(5), { store, clock, log: silentLogger, tick: false, adapters: [] });
    // Deliveries are not part of the tick; a kick would start them in the background and compete.
    const ctx: AppContext = { ...app.ctx, kick: () => {} };

    fixed.at = new Date(T.getTime() - MINUTE);
    t = performance.now();
    const idleProcessed = await runSafetyTick(ctx);
    const idleTickMs = performance.now() - t;
    if (idleProcessed !== 0) throw new Error(`expected an idle tick, processed ${idleProcessed}`);

    const tickMs: number[] = [];
    const processedPerTick: number[] = [];
    for (let tick = 0; tick < MEASURED_TICKS; tick++) {
      fixed.at = new Date(T.getTime() + tick * MINUTE);
      t = performance.now();
      const processed = await runSafetyTick(ctx);
      tickMs.push(performance.now() - t);
      // Each ladder step also wakes its visit two minutes on, to see that the step's messages went
      // (and to tell the office if not): from the third tick on, those re-checks are due as well.
      if (processed < DUE_PER_TICK || processed > 2 * DUE_PER_TICK)
        throw new Error(`tick ${tick}: expected ${DUE_PER_TICK} to ${2 * DUE_PER_TICK} due timers, processed ${processed}`);
      processedPerTick.push(processed);
      // Delivery runs beside the tick in production; here the platform is taken to have answered,
      // so the ladder does not (rightly) come back at two minutes to report undelivered messages.
      await target.db.prisma
        .$executeRaw`UPDATE "Outbox" SET state = 'delivered', "deliveredAt" = ${fixed.at} WHERE state = 'pending'`;
    }
    const [coldTickMs = 0, ...warm] = tickMs;
    const sorted = [...warm].sort((a, b) => a - b);
    const medianTickMs = sorted[Math.floor(sorted.length / 2)] ?? 0;
    const worstTickMs = Math.max(...warm);

    // The naive alternative: every minute, load every visit under way and ask the engine about each.
    const scanAt = new Date(T.getTime() + 30 * MINUTE);
    fixed.at = scanAt;
    t = performance.now();
    const all = await store.listVisits({ statuses: activeStatuses, limit: VISITS * 2 });
    const loadMs = performance.now() - t;
    t = performance.now();
    const reach = (await loadReach(app.ctx))("console");
    let wouldAct = 0;
    for (const visit of all) if (nextStep(visit, scanAt, reach).effects.length > 0) wouldAct++;
    const computeMs = performance.now() - t;
    if (all.length !== VISITS) throw new Error(`naive scan loaded ${all.length} visits`);
    await app.stop();

    // Real clock: the cron tick at 5 s and at 1 s; steps due at points spread over one tick period.
    fixed.at = null;
    const lateness: TickBenchFigures["lateness"] = [];
    for (const tickSeconds of [5, 1]) lateness.push(await measureLateness(store, target.db, policy, tickSeconds));

    const figures: TickBenchFigures = {
      database: target.db.kind,
      visits: VISITS,
      duePerTick: DUE_PER_TICK,
      processedPerTick,
      idleTickMs: round(idleTickMs),
      coldTickMs: round(coldTickMs),
      tickMs: tickMs.map((n) => round(n)),
      medianTickMs: round(medianTickMs),
      worstTickMs: round(worstTickMs),
      targetTickMs: TARGET_TICK_MS,
      naiveScan: { loadMs: round(loadMs), computeMs: round(computeMs), totalMs: round(loadMs + computeMs), latenessBoundS: 60 },
      lateness,
    };
    printTickTable(figures, wouldAct);
    console.log(`tick bench: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return figures;
  } finally {
    await store.close();
    await target.drop();
  }
}

/** Measures, with the real clock and the real cron, how long after its due time a step is queued. */
async function measureLateness(
  store: ReturnType<typeof createPrismaStore>,
  db: Database,
  policy: ReturnType<typeof loadPolicyFile>,
  tickSeconds: number,
): Promise<TickBenchFigures["lateness"][number]> {
  const samples = 10;
  const periodMs = tickSeconds * 1000;
  const app = await startApp(benchConfig(tickSeconds), { store, clock: systemClock, log: silentLogger, adapters: [nullChat] });
  try {
    // Due at 50 ms after a cron firing (the worst case) and then every tenth of a period after it.
    const firstBoundary = Math.ceil((Date.now() + 2 * periodMs) / periodMs) * periodMs;
    const dueTimes = Array.from({ length: samples }, (_, k) => new Date(firstBoundary + 50 + (k * periodMs) / samples));
    const tag = randomBytes(3).toString("hex").toUpperCase();
    const visits = dueTimes.map((due, k) => underWay(`HV-L${tag}${tickSeconds}${k}`, policy, due));
    await insertVisits(db, visits);
    const ids = visits.map((visit) => visit.id);
    const deadline = Date.now() + 4 * periodMs + 20_000;
    let rows: { visitId: string; queuedAt: Date }[] = [];
    while (Date.now() < deadline) {
      await sleep(100);
      rows = await db.prisma.$queryRawUnsafe<{ visitId: string; queuedAt: Date }[]>(
        `SELECT "visitId", min("createdAt") AS "queuedAt" FROM "Outbox" WHERE "visitId" = ANY($1::text[]) GROUP BY "visitId"`,
        ids,
      );
      if (rows.length === samples) break;
    }
    if (rows.length !== samples) throw new Error(`only ${rows.length} of ${samples} escalations were queued in time`);
    const late = rows.map((row) => {
      const due = dueTimes[ids.indexOf(row.visitId)] as Date;
      return (new Date(row.queuedAt).getTime() - due.getTime()) / 1000;
    });
    return {
      tickSeconds,
      samples,
      meanS: round(late.reduce((sum, s) => sum + s, 0) / late.length, 2),
      worstS: round(Math.max(...late), 2),
      boundS: tickSeconds,
    };
  } finally {
    await app.stop();
  }
}

function printTickTable(f: TickBenchFigures, wouldAct: number): void {
  const ms = (n: number) => `${n.toFixed(1)} ms`;
  const rows: [string, string, string][] = [
    [`one tick, ${f.visits} under way, nothing due`, ms(f.idleTickMs), ""],
    [`one tick, ${f.duePerTick} due (1%), first (cold)`, ms(f.coldTickMs), `≤ ${f.targetTickMs} ms`],
    [
      `one tick, ${f.duePerTick} newly due (1%) + re-checks (${f.processedPerTick.join(", ")} processed), median of ${f.tickMs.length - 1}`,
      `${ms(f.medianTickMs)} (worst ${ms(f.worstTickMs)})`,
      `≤ ${f.targetTickMs} ms ${f.worstTickMs <= f.targetTickMs ? "✓" : "✗"}`,
    ],
    [
      `naive scan: load ${f.visits} + nextStep each`,
      `${ms(f.naiveScan.totalMs)} (load ${ms(f.naiveScan.loadMs)}, engine ${ms(f.naiveScan.computeMs)}; ${wouldAct} would act)`,
      "every 60 s",
    ],
    ...f.lateness.map((l): [string, string, string] => [
      `escalation lateness, cron tick ${l.tickSeconds} s (n=${l.samples}, real clock)`,
      `worst ${l.worstS.toFixed(2)} s, mean ${l.meanS.toFixed(2)} s`,
      `≤ ${l.boundS} s + one tick`,
    ]),
    ["escalation lateness, naive once-a-minute scan", `up to 60 s + ${ms(f.naiveScan.totalMs)}`, "≤ 60 s + one scan"],
  ];
  printTable(`safety tick on ${f.database}`, rows);
}
