/**
 * Many schools on one deployment: 50 schools × 100 visits under way in one database. One tick's
 * cost over every school (fixed clock, as bench/tick.ts does for one school), then on the real
 * clock two instances sharing PostgreSQL, one school's platform slow: how late escalations are,
 * for the slow school and for the others, and how many messages went twice. Printed beside the
 * single-school figures.
 *
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx bench/many-schools.ts [--quick]
 *
 * --quick: the real-clock part at TICK_SECONDS 5 only, and the single-school figures not measured.
 * On PGlite (no TEST_DATABASE_URL or DATABASE_URL) it runs one instance and says so.
 */
import { performance } from "node:perf_hooks";
import { silentLogger } from "../src/app/app-context.js";
import { SchoolTicks } from "../src/app/tick-schools.js";
import { runSafetyTick } from "../src/app/use-cases/run-safety-tick.js";
import { loadDirectoryFile, loadPolicyFile } from "../src/config/load-school.js";
import type { Clock } from "../src/domain/clock.js";
import { createPrismaStore } from "../src/persistence/prisma-store.js";
import { startApp } from "../src/start-app.js";
import { type BenchDatabase, benchConfig, MINUTE, openBenchDatabase, printTable, round, underWay } from "./bench-support.js";
import type { DuplicateFigures } from "./duplicates.js";
import { insertVisits } from "./insert-visits.js";
import { type LiveFigures, measureLive, SLOW_POST_MS } from "./many-schools-live.js";
import { runTickBench, type TickBenchFigures } from "./tick.js";

const SCHOOLS = 50;
const PER_SCHOOL = 100;
const MEASURED_TICKS = 5;

export interface ManySchoolsFigures {
  database: "postgres" | "pglite";
  schools: number;
  visits: number;
  /** One tickAll over every school with nothing due, and with one visit per school (1%) newly due. */
  tick: { idleMs: number; coldMs: number; medianMs: number; worstMs: number; processed: number[] };
  live: LiveFigures[];
}

/** Today's figures for one school, to print beside: from the tick and duplicates benches' results. */
export interface SingleSchool {
  tick?: TickBenchFigures;
  duplicates?: DuplicateFigures | null;
}

export async function runManySchoolsBench(
  options: { single?: SingleSchool; tickSeconds?: readonly number[] } = {},
): Promise<ManySchoolsFigures> {
  const started = performance.now();
  const target = await openBenchDatabase("hv_schools");
  console.log(`many-schools bench: ${target.note}`);
  if (!target.url) console.log("many-schools bench: PGlite is one process only: one instance, not two");
  try {
    const schools = await seedSchools(target);
    const tick = await measureTickCost(target, schools);
    const live: LiveFigures[] = [];
    for (const tickSeconds of options.tickSeconds ?? [5, 1])
      live.push(await measureLive(target, schools, schools[schools.length - 1] as string, PER_SCHOOL, tickSeconds));
    const figures: ManySchoolsFigures = {
      database: target.db.kind,
      schools: schools.length,
      visits: SCHOOLS * PER_SCHOOL,
      tick,
      live,
    };
    printManySchools(figures, options.single ?? {});
    console.log(`many-schools bench: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return figures;
  } finally {
    await target.db.close();
    await target.drop();
  }
}

async function seedSchools(target: BenchDatabase): Promise<string[]> {
  const store = createPrismaStore(target.db, { now: () => new Date() });
  const policy = loadPolicyFile("policies/default.yaml");
  const directory = loadDirectoryFile("schools/demo.yaml");
  const ids = Array.from({ length: SCHOOLS }, (_, s) => `bench-${String(s + 1).padStart(2, "0")}`);
  for (const id of ids)
    await store.schools.save({ id, name: `Bench School ${id.slice(6)}`, timezone: "Europe/London", policy, directory });
  return ids;
}

/** One tick over every school with a fixed clock: visit k of each school misses its check-in at T + k minutes. */
async function measureTickCost(target: BenchDatabase, schools: readonly string[]): Promise<ManySchoolsFigures["tick"]> {
  // A day ahead of the real clock, so nothing here falls due for real.
  const T = new Date(Math.ceil((Date.now() + 24 * 60 * MINUTE) / MINUTE) * MINUTE);
  const fixed = { at: T };
  const clock: Clock = { now: () => new Date(fixed.at) };
  const policy = loadPolicyFile("policies/default.yaml");
  const t0 = performance.now();
  for (const school of schools) {
    const visits = Array.from({ length: PER_SCHOOL }, (_, k) =>
      underWay(`HV-${school}-T${k}`, policy, new Date(T.getTime() + k * MINUTE)),
    );
    await insertVisits(target.db, visits, school);
  }
  console.log(
    `many-schools bench: inserted ${schools.length * PER_SCHOOL} visits with timers in ${Math.round(performance.now() - t0)} ms`,
  );
  const store = createPrismaStore(target.db, clock, schools[0]);
  const app = await startApp(benchConfig(5, { SCHOOL_ID: schools[0] as string }), {
    store,
    clock,
    log: silentLogger,
    tick: false,
    adapters: [],
  });
  let processed = 0;
  const ticks = new SchoolTicks(app.schools, async (ctx) => {
    const n = await runSafetyTick(ctx);
    processed += n; // after the await: `processed += await …` would add to the value read before it
  });
  const timed = async (at: Date) => {
    fixed.at = at;
    processed = 0;
    const t = performance.now();
    await ticks.tickAll();
    return { ms: performance.now() - t, processed };
  };
  try {
    if (app.schools.all().length !== schools.length) throw new Error(`the registry has ${app.schools.all().length} schools`);
    const idle = await timed(new Date(T.getTime() - MINUTE));
    if (idle.processed !== 0) throw new Error(`expected an idle tick, processed ${idle.processed}`);
    const runs: { ms: number; processed: number }[] = [];
    for (let tick = 0; tick < MEASURED_TICKS; tick++) {
      const run = await timed(new Date(T.getTime() + tick * MINUTE));
      // One newly due per school, and from the third tick on the two-minute re-checks of earlier steps.
      if (run.processed < schools.length || run.processed > 2 * schools.length)
        throw new Error(
          `tick ${tick}: expected ${schools.length} to ${2 * schools.length} due timers, processed ${run.processed}`,
        );
      runs.push(run);
      // The platforms are taken to have answered, as in bench/tick.ts.
      await target.db.prisma
        .$executeRaw`UPDATE "Outbox" SET state = 'delivered', "deliveredAt" = ${fixed.at} WHERE state = 'pending'`;
    }
    const [cold, ...warm] = runs.map((run) => run.ms);
    const sorted = [...warm].sort((a, b) => a - b);
    return {
      idleMs: round(idle.ms),
      coldMs: round(cold ?? 0),
      medianMs: round(sorted[Math.floor(sorted.length / 2)] ?? 0),
      worstMs: round(Math.max(...warm)),
      processed: runs.map((run) => run.processed),
    };
  } finally {
    await app.stop();
  }
}

function printManySchools(f: ManySchoolsFigures, single: SingleSchool): void {
  const ms = (n: number) => `${n.toFixed(1)} ms`;
  const s = (n: number) => (Number.isNaN(n) ? "–" : `${n.toFixed(2)} s`);
  const one = single.tick;
  const oneLate = (tickSeconds: number) => one?.lateness.find((l) => l.tickSeconds === tickSeconds);
  const rows: [string, string, string, string][] = [
    ["one tick, nothing due", one ? ms(one.idleTickMs) : "–", ms(f.tick.idleMs), ""],
    [
      "one tick, 1% newly due + re-checks, median (worst)",
      one ? `${ms(one.medianTickMs)} (${ms(one.worstTickMs)})` : "–",
      `${ms(f.tick.medianMs)} (${ms(f.tick.worstMs)}); ${f.tick.processed.join(", ")} processed`,
      "≤ 200 ms",
    ],
  ];
  for (const l of f.live) {
    const o = oneLate(l.tickSeconds);
    const oneFig = o ? `mean ${s(o.meanS)}, worst ${s(o.worstS)} (n=${o.samples})` : "–";
    rows.push(
      [
        `TICK ${l.tickSeconds} s: escalation queued late, p50 / p99 / worst, all`,
        oneFig,
        spread(l.queued.all),
        "p99 ≤ 10 s (aim ≤ 1 s)",
      ],
      [`TICK ${l.tickSeconds} s: … the other ${f.schools - 1} schools`, "", spread(l.queued.others), "p99 ≤ 10 s"],
      [`TICK ${l.tickSeconds} s: … the slow school (posts ${SLOW_POST_MS / 1000} s)`, "", spread(l.queued.slow), "p99 ≤ 10 s"],
      [`TICK ${l.tickSeconds} s: seen committed (polled 250 ms), all`, "", spread(l.committed.all), ""],
      [`TICK ${l.tickSeconds} s: first message delivered, others`, "", spread(l.delivered.others), ""],
      [`TICK ${l.tickSeconds} s: first message delivered, slow school`, "", spread(l.delivered.slow), "its own platform"],
      [
        `TICK ${l.tickSeconds} s: duplicates (${l.instances} instance${l.instances > 1 ? "s" : ""}, ${l.posts} posts)`,
        single.duplicates ? `${single.duplicates.duplicates} (Slack stub, ${single.duplicates.posts} posts)` : "–",
        `${l.duplicates} identical; ${l.extraPosts} posts beyond rows; ${l.queuedTwice} queued twice`,
        `0 ${l.duplicates + Math.max(0, l.extraPosts) + l.queuedTwice === 0 ? "✓" : "✗"}`,
      ],
    );
  }
  printTable(`many schools on ${f.database}: ${f.schools} schools × ${f.visits / f.schools} visits under way`, rows, [
    "measure",
    "one school (today)",
    `${f.schools} schools`,
    "target",
  ]);
  function spread(x: LiveFigures["queued"]["all"]): string {
    return x.n === 0 ? "none" : `${s(x.p50S)} / ${s(x.p99S)} / ${s(x.worstS)} (n=${x.n})`;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes("--quick");
  const single = quick ? {} : { tick: await runTickBench() };
  await runManySchoolsBench({ single, tickSeconds: quick ? [5] : [5, 1] });
  process.exit(0);
}
