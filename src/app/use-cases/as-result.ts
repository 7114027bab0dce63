import { DomainError, type Result } from "../../domain/domain-error.js";

/**
 * Runs a use case whose steps throw DomainError to abandon the transaction, and hands the
 * adapter a Result instead: refusals are answers, not crashes.
 */
export async function asResult<T>(work: () => Promise<T>): Promise<Result<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (error instanceof DomainError) return { ok: false, error };
    throw error;
  }
}
