import type { Store } from "../app/ports.js";
import type { Clock } from "../domain/clock.js";

/** How a platform's credentials fared when last checked (auth.test, a bot token from Entra). */
export interface CredentialStatus {
  ok: boolean;
  /** What is wrong and what to fix, when not ok. */
  problem?: string;
}

export interface ReadinessInputs {
  store: Store;
  clock: Clock;
  tickSeconds: number;
  /** When the last safety tick finished (ms since the epoch, real time). */
  lastTickAt(): number;
  credentials(): { platform: string; status: CredentialStatus }[];
  shuttingDown(): boolean;
}

export interface Readiness {
  ready: boolean;
  reasons: string[];
}

const DATABASE_WITHIN_MS = 1000;
const CRITICAL_WAIT_MS = 2 * 60_000;

/**
 * Whether this instance can do its job right now, for a load balancer or a supervisor: the
 * database answers within 1 s, the safety tick ran within 3 ticks, no safety-critical message has
 * waited over 2 minutes, and every configured platform's credentials work.
 */
export async function checkReadiness(inputs: ReadinessInputs): Promise<Readiness> {
  const reasons: string[] = [];
  if (inputs.shuttingDown()) reasons.push("shutting down");
  let databaseAnswers = true;
  try {
    await inputs.store.ping(DATABASE_WITHIN_MS);
  } catch (error) {
    databaseAnswers = false;
    reasons.push(`database: no answer within 1 s (${error instanceof Error ? error.message : String(error)})`);
  }
  const sinceTick = Date.now() - inputs.lastTickAt();
  if (sinceTick > 3 * inputs.tickSeconds * 1000)
    reasons.push(
      `safety tick: last ran ${Math.round(sinceTick / 1000)} s ago (it should run every ${inputs.tickSeconds} s); check-ins are not being watched`,
    );
  if (databaseAnswers) {
    const oldest = await inputs.store.oldestUndeliveredCritical().catch(() => null);
    const waited = oldest ? inputs.clock.now().getTime() - oldest.getTime() : 0;
    if (oldest && waited > CRITICAL_WAIT_MS)
      reasons.push(
        `outbox: a safety-critical message has waited ${Math.round(waited / 1000)} s to be delivered (since ${oldest.toISOString()})`,
      );
  }
  for (const { platform, status } of inputs.credentials())
    if (!status.ok) reasons.push(`${platform}: ${status.problem ?? "credentials do not work"}`);
  return { ready: reasons.length === 0, reasons };
}
