import type { Clock } from "../domain/clock.js";
import type { Policy } from "../domain/policy.js";
import type { Directory } from "../domain/school-directory.js";
import type { Store } from "./ports.js";

/** Publishes a file behind a short-lived link (see src/http/download-links.ts). */
export interface Downloads {
  publish(
    filename: string,
    contentType: string,
    body: string,
    audit: { visitId: null; actorId: string; actor: string; platform: "slack" | "teams" | "console" | "system" },
  ): string;
}

/** How the app writes its log (pino underneath, see src/observability/logger.ts). */
export interface Logger {
  info(message: string, detail?: Record<string, unknown>): void;
  warn(message: string, detail?: Record<string, unknown>): void;
  error(message: string, detail?: Record<string, unknown>): void;
  debug?(message: string, detail?: Record<string, unknown>): void;
  /** A logger whose every line also carries `fields`. */
  child?(fields: Record<string, unknown>): Logger;
}

/** Everything a use case needs, passed in: no use case reaches for globals. */
export interface AppContext {
  store: Store;
  clock: Clock;
  /** The school's current policy; a visit uses the snapshot taken at its approval. */
  policy: Policy;
  directory: Directory;
  log: Logger;
  /** Asks the outbox to deliver now rather than at the next tick. */
  kick(): void;
  downloads: Downloads;
}

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
