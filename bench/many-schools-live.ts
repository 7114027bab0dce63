/**
 * The many-schools scenario on the real clock: every school's visits miss their check-ins over
 * half a minute, one or two instances (startApp, cron tick on) share the database, and one school's
 * chat platform takes seconds to answer each post. How late each escalation is, for that school and
 * for the others, and whether any message reached a platform twice.
 */
import { silentLogger } from "../src/app/app-context.js";
import type { AppContext } from "../src/app/ports.js";
import { loadPolicyFile } from "../src/config/load-school.js";
import { systemClock } from "../src/domain/clock.js";
import { openDatabase } from "../src/persistence/open-database.js";
import { createPrismaStore } from "../src/persistence/prisma-store.js";
import { type AdapterFactory, type RunningApp, startApp } from "../src/start-app.js";
import { type BenchDatabase, benchConfig, fakeChat, type Spread, sleep, spreadOf, underWay } from "./bench-support.js";
import { insertVisits } from "./insert-visits.js";

/** The first check-in is missed this long after the visits are written (time to start the instances)… */
const FIRST_DUE_MS = 30_000;
/** …and the last this much later: about 170 escalations a second across the schools. */
const SPREAD_MS = 30_000;
/** Each post to the slow school's platform takes this long. */
export const SLOW_POST_MS = 3_000;

export interface LiveFigures {
  tickSeconds: number;
  instances: number;
  visits: number;
  /** Escalations per second falling due across the schools. */
  perSecond: number;
  /** Visits whose escalation was not queued within 30 s of the last due time (left out of the spreads). */
  notQueued: number;
  /** First message queued (its Outbox createdAt) after the timer's due time: all, the slow school, the others. */
  queued: { all: Spread; slow: Spread; others: Spread };
  /**
   * When the first message was seen committed (polled every 250 ms): the tick's own time included.
   * On PGlite the poll waits behind the app for the one connection, so this is later than the truth.
   */
  committed: { all: Spread; slow: Spread; others: Spread };
  /** The visit's first message delivered (deliveredAt); n counts the visits with one delivered by the end. */
  delivered: { slow: Spread; others: Spread };
  posts: number;
  /** Posts whose school, target and message equal an earlier post's. */
  duplicates: number;
  /** Posts beyond the outbox rows delivered as posts (any row sent twice, whatever its content). */
  extraPosts: number;
  /** Outbox rows queued twice for one visit with the same target and message (a step taken twice). */
  queuedTwice: number;
}

export async function measureLive(
  target: BenchDatabase,
  schools: readonly string[],
  slow: string,
  perSchool: number,
  tickSeconds: number,
): Promise<LiveFigures> {
  const db = target.db;
  await db.prisma.$executeRawUnsafe(`TRUNCATE "Visit", "Timer", "Outbox", "AuditEntry", "OnceKey" CASCADE`);
  const policy = loadPolicyFile("policies/default.yaml");
  const total = schools.length * perSchool;
  const first = Date.now() + FIRST_DUE_MS;
  const dueAt = new Map<string, { school: string; at: number }>();
  for (const [s, school] of schools.entries()) {
    // Interleaved, so that every school has visits falling due all through the window.
    const visits = Array.from({ length: perSchool }, (_, k) => {
      const at = first + Math.floor(((k * schools.length + s) * SPREAD_MS) / total);
      const id = `HV-${school}-${tickSeconds}-${k}`;
      dueAt.set(id, { school, at });
      return underWay(id, policy, new Date(at));
    });
    await insertVisits(db, visits, school);
  }

  const posts: string[] = [];
  const chat: AdapterFactory = async () => {
    const deliveryFor = (school: AppContext) =>
      fakeChat(school.store.school === slow ? SLOW_POST_MS : 0, (to, message) =>
        posts.push(`${school.store.school}|${JSON.stringify(to)}|${JSON.stringify(message)}`),
      );
    return { platform: "console", delivery: fakeChat(), deliveryFor };
  };
  const apps: RunningApp[] = [];
  const config = benchConfig(tickSeconds, { SCHOOL_ID: schools[0] as string });
  const instances = target.url ? 2 : 1;
  for (let i = 0; i < instances; i++) {
    // Each instance its own connections on PostgreSQL; the one instance on PGlite shares the bench's.
    const own = target.url ? await openDatabase({ kind: "postgres", url: target.url }) : db;
    const store = createPrismaStore(own, systemClock, config.schoolId);
    apps.push(await startApp(config, { store, clock: systemClock, log: silentLogger, adapters: [chat] }));
  }
  if (Date.now() > first) console.log("many-schools bench: the instances started after the first visits fell due");

  const unseen = new Set(dueAt.keys());
  const seenAt = new Map<string, number>();
  const lastDue = first + SPREAD_MS;
  try {
    while (unseen.size > 0 && Date.now() < lastDue + 30_000) {
      await sleep(250);
      const rows = await db.prisma.$queryRawUnsafe<{ visitId: string }[]>(
        `SELECT DISTINCT "visitId" FROM "Outbox" WHERE "visitId" = ANY($1::text[])`,
        [...unseen],
      );
      const at = Date.now();
      for (const { visitId } of rows) {
        unseen.delete(visitId);
        seenAt.set(visitId, at);
      }
    }
    if (unseen.size > 0)
      console.log(`many-schools bench: ${unseen.size} escalations were not queued within 30 s of the last due time`);
    // The other schools' messages are all delivered; the slow school's are whatever got through.
    const settleBy = Date.now() + 30_000;
    while (Date.now() < settleBy && (await pendingOutside(target, slow)) > 0) await sleep(250);
  } finally {
    for (const app of apps) await app.stop(Date.now() + SLOW_POST_MS + 3000);
    if (target.url) for (const app of apps) await app.ctx.store.close();
  }
  const perSecond = Math.round(total / (SPREAD_MS / 1000));
  return summarise(target, dueAt, seenAt, slow, posts, {
    tickSeconds,
    instances,
    visits: total,
    perSecond,
    notQueued: unseen.size,
  });
}

async function pendingOutside(target: BenchDatabase, slow: string): Promise<number> {
  const [row] = await target.db.prisma.$queryRawUnsafe<{ n: bigint }[]>(
    `SELECT count(*) AS n FROM "Outbox" WHERE "schoolId" <> $1 AND state <> 'delivered'`,
    slow,
  );
  return Number(row?.n ?? 0);
}

async function summarise(
  target: BenchDatabase,
  dueAt: ReadonlyMap<string, { school: string; at: number }>,
  seenAt: ReadonlyMap<string, number>,
  slow: string,
  posts: readonly string[],
  run: Pick<LiveFigures, "tickSeconds" | "instances" | "visits" | "perSecond" | "notQueued">,
): Promise<LiveFigures> {
  const prisma = target.db.prisma;
  const rows = await prisma.$queryRawUnsafe<{ visitId: string; queued: Date; delivered: Date | null }[]>(
    `SELECT "visitId", min("createdAt") AS queued, min("deliveredAt") AS delivered FROM "Outbox"
     WHERE "visitId" IS NOT NULL GROUP BY "visitId"`,
  );
  const late = (pick: (row: (typeof rows)[number]) => number | null, which: "all" | "slow" | "others") =>
    spreadOf(
      rows.flatMap((row) => {
        const due = dueAt.get(row.visitId);
        const at = pick(row);
        if (!due || at === null) return [];
        if ((which === "slow" && due.school !== slow) || (which === "others" && due.school === slow)) return [];
        return [(at - due.at) / 1000];
      }),
    );
  const queued = (row: (typeof rows)[number]) => new Date(row.queued).getTime();
  const committed = (row: (typeof rows)[number]) => seenAt.get(row.visitId) ?? null;
  const delivered = (row: (typeof rows)[number]) => (row.delivered ? new Date(row.delivered).getTime() : null);
  const [counts] = await prisma.$queryRawUnsafe<{ sent: bigint; twice: bigint }[]>(
    `SELECT count(*) FILTER (WHERE state = 'delivered' AND updates IS NULL) AS sent,
       count(*) - count(DISTINCT ("visitId", target::text, message::text)) AS twice FROM "Outbox"`,
  );
  return {
    ...run,
    queued: { all: late(queued, "all"), slow: late(queued, "slow"), others: late(queued, "others") },
    committed: { all: late(committed, "all"), slow: late(committed, "slow"), others: late(committed, "others") },
    delivered: { slow: late(delivered, "slow"), others: late(delivered, "others") },
    posts: posts.length,
    duplicates: posts.length - new Set(posts).size,
    extraPosts: posts.length - Number(counts?.sent ?? 0),
    queuedTwice: Number(counts?.twice ?? 0),
  };
}
