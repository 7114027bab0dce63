import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/**
 * Every metric homevisit exports at GET /metrics (Prometheus text format), in one place, with the
 * small functions the tick, delivery and the HTTP server call. Labels are bounded: platforms,
 * results, methods and registered routes only, never ids or people.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: "homevisit_" });

const tickDuration = new Histogram({
  name: "homevisit_tick_duration_seconds",
  help: "How long one safety tick took (claiming due timers, deciding, writing).",
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10],
  registers: [metricsRegistry],
});

const tickFailures = new Counter({
  name: "homevisit_tick_failures_total",
  help: "Safety ticks that failed (usually: the database did not answer).",
  registers: [metricsRegistry],
});

const timerLateness = new Histogram({
  name: "homevisit_timer_lateness_seconds",
  help: "How long after its due time a safety timer (check-in, escalation step) was acted on.",
  buckets: [0.1, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300],
  registers: [metricsRegistry],
});

new Gauge({
  name: "homevisit_outbox_backlog",
  help: "Messages waiting in the outbox, by platform (critical: safety-critical ones).",
  labelNames: ["platform", "critical"] as const,
  registers: [metricsRegistry],
  async collect() {
    const counts = await readBacklog();
    this.reset();
    for (const row of counts) this.set({ platform: row.platform, critical: String(row.critical) }, row.count);
  },
});

const deliveries = new Counter({
  name: "homevisit_deliveries_total",
  help: "Outbox delivery attempts by platform and result (delivered, failed, undeliverable, waiting).",
  labelNames: ["platform", "result"] as const,
  registers: [metricsRegistry],
});

const rateLimited = new Counter({
  name: "homevisit_rate_limited_total",
  help: "HTTP 429 answers from a platform, by platform and method.",
  labelNames: ["platform", "method"] as const,
  registers: [metricsRegistry],
});

const requestDuration = new Histogram({
  name: "homevisit_http_request_duration_seconds",
  help: "How long homevisit took to answer an HTTP request, by route and status.",
  labelNames: ["method", "route", "status"] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

export type BacklogRow = { platform: string; critical: boolean; count: number };
let backlogSource: (() => Promise<BacklogRow[]>) | null = null;

/** The running app's outbox, counted when /metrics is read (bounded, so a dead database cannot hang a scrape). */
export function setBacklogSource(source: (() => Promise<BacklogRow[]>) | null): void {
  backlogSource = source;
}

async function readBacklog(): Promise<BacklogRow[]> {
  if (!backlogSource) return [];
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<BacklogRow[]>((resolve) => {
    timer = setTimeout(() => resolve([]), 1000);
  });
  try {
    return await Promise.race([backlogSource().catch(() => []), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function observeTick(seconds: number): void {
  tickDuration.observe(seconds);
}

export function countTickFailure(): void {
  tickFailures.inc();
}

export function observeTimerLateness(now: Date, dueAt: Date): void {
  timerLateness.observe(Math.max(0, (now.getTime() - dueAt.getTime()) / 1000));
}

export type DeliveryResult = "delivered" | "failed" | "undeliverable" | "waiting";

export function countDelivery(platform: string, result: DeliveryResult): void {
  deliveries.inc({ platform, result });
}

export function countRateLimited(platform: string, method: string): void {
  rateLimited.inc({ platform, method });
}

export function observeRequest(method: string, route: string, status: number, seconds: number): void {
  requestDuration.observe({ method, route, status: String(status) }, seconds);
}
