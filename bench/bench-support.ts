/**
 * What the benchmarks share: a visit under way built from a real request, a chat platform that
 * answers at once, the app's config for a bench, and a scratch database to run on.
 */
import type { NeutralMessage } from "../src/app/messages/neutral-message.js";
import type { ChatDelivery, MessageRef, ResolvedTarget } from "../src/app/ports.js";
import { loadConfig } from "../src/config/load-config.js";
import type { loadPolicyFile } from "../src/config/load-school.js";
import type { Visit } from "../src/domain/visit.js";
import { parseVisitRequest } from "../src/domain/visit-request.js";
import { type Database, openDatabase } from "../src/persistence/open-database.js";
import type { AdapterFactory } from "../src/start-app.js";
import { createScratchPostgres } from "../test/support/test-database.js";

export const MINUTE = 60_000;

/** A visit under way whose check-in is missed (grace over) exactly at `missedAt`; no prompt pending. */
export function underWay(id: string, policy: ReturnType<typeof loadPolicyFile>, missedAt: Date): Visit {
  const parsed = parseVisitRequest({
    pupil: { name: "Jamie Lee Smith", misId: "A123" },
    address: "12 Orchard Way, Salford M5 4AB",
    purposeId: "attendance",
    plannedStart: new Date(missedAt.getTime() - 30 * MINUTE),
    durationMinutes: 45,
    expectedReturn: new Date(missedAt.getTime() + 120 * MINUTE),
    lead: { staffId: "e.walsh", name: "Erin Walsh", mobile: "07700 900105" },
    second: { staffId: "f.nowak", name: "Filip Nowak", mobile: "07700 900106" },
    vehicle: { make: "Ford", model: "Focus", colour: "Blue", registration: "AB12 CDE" },
    parentsTold: true,
  });
  if (!parsed.ok) throw new Error(`bench request does not parse: ${JSON.stringify(parsed.errors)}`);
  const { codeWord: _codeWord, ...request } = parsed.value;
  const { intervalMinutes, graceMinutes } = policy.checkIns;
  const left = new Date(missedAt.getTime() - (intervalMinutes + graceMinutes) * MINUTE);
  const due = new Date(left.getTime() + intervalMinutes * MINUTE);
  return {
    id,
    status: "under_way",
    version: 0,
    platform: "console",
    requesterId: "e.walsh",
    request,
    codeWordHash: "",
    warnings: [],
    policy,
    policyVersion: policy.version,
    decision: { outcome: "approved", by: { staffId: "a.okafor", name: "Ada Okafor" }, at: left.toISOString() },
    progress: {
      expectedReturn: request.expectedReturn.toISOString(),
      threadOpenedAt: left.toISOString(),
      leftSchoolAt: left.toISOString(),
      lastCheckIn: { at: left.toISOString(), by: "e.walsh", place: "leaving school" },
      promptedFor: due.toISOString(),
    },
    messageRefs: { "console:thread": { channel: "visits", ts: `thread-${id}` } },
    createdAt: left,
    hasRecord: false,
  };
}

/**
 * A console delivery that takes `delayMs` to answer each post (0: at once). `onPost` hears of each
 * post as it reaches the platform, before the answer: a post given up on has still been seen.
 */
export function fakeChat(delayMs = 0, onPost?: (target: ResolvedTarget, message: NeutralMessage) => void): ChatDelivery {
  let seq = 0;
  return {
    platform: "console",
    post: async (target: ResolvedTarget, message: NeutralMessage): Promise<MessageRef> => {
      onPost?.(target, message);
      if (delayMs > 0) await sleep(delayMs);
      return { channel: target.kind === "channel" ? target.channel : `dm:${target.user}`, ts: `${++seq}` };
    },
    update: async (ref: MessageRef) => ref,
  };
}

/** A chat platform that accepts everything instantly, so deliveries never hold the ladder. */
export const nullChat: AdapterFactory = async () => ({ platform: "console", delivery: fakeChat() });

export function benchConfig(tickSeconds: number, env: Record<string, string> = {}) {
  return loadConfig({
    ...env,
    PORT: "0",
    HOST: "127.0.0.1",
    NODE_ENV: "test",
    POLICY_FILE: "policies/default.yaml",
    SCHOOL_FILE: "schools/demo.yaml",
    TICK_SECONDS: String(tickSeconds),
  });
}

export interface BenchDatabase {
  db: Database;
  note: string;
  /** The scratch database's URL, for a second instance (null on PGlite: one process only). */
  url: string | null;
  drop: () => Promise<void>;
}

/** A fresh PostgreSQL database (dropped afterwards) when one is configured, else an in-memory PGlite. */
export async function openBenchDatabase(prefix = "hv_bench"): Promise<BenchDatabase> {
  const base = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  if (!base) {
    const db = await openDatabase({ kind: "pglite", dataDir: "memory://" });
    return {
      db,
      url: null,
      note: "no TEST_DATABASE_URL or DATABASE_URL: running on the embedded PGlite (one connection; production figures need PostgreSQL)",
      drop: async () => {},
    };
  }
  const scratch = await createScratchPostgres(base, prefix);
  const db = await openDatabase({ kind: "postgres", url: scratch.url });
  return {
    db,
    url: scratch.url,
    note: `PostgreSQL ${new URL(scratch.url).host}, fresh database ${scratch.name}`,
    drop: scratch.drop,
  };
}

/** A markdown table, by default of [measure, figure, target] rows. */
export function printTable(
  title: string,
  rows: readonly (readonly string[])[],
  header: readonly string[] = ["measure", "figure", "target"],
): void {
  const widths = header.map((name, c) => Math.max(...rows.map((r) => r[c]?.length ?? 0), name.length));
  const line = (cells: readonly string[]) => `| ${widths.map((w, c) => (cells[c] ?? "").padEnd(w)).join(" | ")} |`;
  console.log(`\n${title}\n`);
  console.log(line(header));
  console.log(line(widths.map((w) => "-".repeat(w))));
  for (const row of rows) console.log(line(row));
  console.log("");
}

/** Seconds late at the p50 and p99 and at worst (nearest rank), or null with no samples. */
export function spreadOf(lateS: readonly number[]): Spread {
  const sorted = [...lateS].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
  return { n: sorted.length, p50S: round(rank(0.5), 2), p99S: round(rank(0.99), 2), worstS: round(rank(1), 2) };
}

export interface Spread {
  n: number;
  p50S: number;
  p99S: number;
  worstS: number;
}

export function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
