import type { Logger } from "../app/app-context.js";

/** How often, while the database is unreachable, a fresh connection tries it again. */
const PROBE_EVERY_MS = 1000;

/**
 * Whether PostgreSQL answers, as the last query and the probe saw it. The first failure that looks
 * like the network or the server (a timeout, a reset, a refused connection) writes one line and
 * starts a probe every second; the first success writes one line more. In between, work fails at
 * once instead of waiting for a timeout each time (see guardPool).
 */
export class DatabaseHealth {
  private downSince: number | null = null;
  private lastError = "";
  private probing: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly log: Logger,
    private readonly probe: () => Promise<void>,
  ) {}

  get reachable(): boolean {
    return this.downSince === null;
  }

  /** Why it is unreachable, for /readyz; null when it answers. */
  get problem(): string | null {
    return this.downSince === null ? null : this.lastError;
  }

  failed(error: unknown): void {
    if (!isConnectionFailure(error) || this.closed) return;
    this.lastError = error instanceof Error ? error.message : String(error);
    if (this.downSince !== null) return;
    this.downSince = Date.now();
    this.log.error(
      `database unreachable: ${this.lastError}. Check-ins and replies are answered "not recorded" until it is back; timers catch up then.`,
    );
    this.scheduleProbe();
  }

  succeeded(): void {
    if (this.downSince === null) return;
    const seconds = ((Date.now() - this.downSince) / 1000).toFixed(1);
    this.downSince = null;
    if (this.probing) clearTimeout(this.probing);
    this.probing = null;
    this.log.info(`database reachable again after ${seconds} s`);
  }

  close(): void {
    this.closed = true;
    if (this.probing) clearTimeout(this.probing);
    this.probing = null;
  }

  private scheduleProbe(): void {
    if (this.closed) return;
    this.probing = setTimeout(() => {
      this.probe().then(
        () => this.succeeded(),
        (error: unknown) => {
          if (error instanceof Error) this.lastError = error.message;
          if (this.downSince !== null) this.scheduleProbe();
        },
      );
    }, PROBE_EVERY_MS);
    this.probing.unref();
  }
}

/** SQL errors (constraint, syntax, serialisation…) say the database answered; these say it did not. */
export function isConnectionFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && /^(08|57P0[1-3])/.test(code)) return true;
  if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return false;
  return /timeout|timed out|terminated|ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|connection/i.test(
    `${typeof code === "string" ? code : ""} ${error.message}`,
  );
}
