import { DomainError, type Result } from "../../domain/domain-error.js";
import type { Visit } from "../../domain/visit.js";
import { normaliseVisitId } from "../../domain/visit-id.js";
import type { AppContext, StoreTx } from "../ports.js";
import { loadReach, type ReachOn } from "../reach.js";

const ATTEMPTS = 3;

/**
 * The frame of every use case that changes a visit: load and lock it, let `work` decide and commit,
 * and hand the adapter a Result (a refusal is an answer, not a crash). A save that met someone
 * else's at the same moment is done again, here and nowhere else, so no reply is lost to it.
 */
export async function changeVisit<T>(
  ctx: AppContext,
  visitId: string,
  work: (visit: Visit, tx: StoreTx, reach: ReachOn) => Promise<T>,
): Promise<Result<T>> {
  const reach = await loadReach(ctx);
  const id = normaliseVisitId(visitId);
  for (let attempt = 1; ; attempt++) {
    try {
      const value = await ctx.store.inTransaction(async (tx) => {
        const visit = await tx.getVisitForUpdate(id);
        if (!visit) throw new DomainError("visit-not-found", `There is no home visit ${id}.`);
        return work(visit, tx, reach);
      });
      ctx.kick();
      return { ok: true, value };
    } catch (error) {
      if (isStale(error) && attempt < ATTEMPTS) continue;
      if (error instanceof DomainError) return { ok: false, error };
      if (isStale(error))
        return {
          ok: false,
          error: new DomainError("stale-visit", "Someone else changed this visit at the same moment; try again."),
        };
      throw error;
    }
  }
}

function isStale(error: unknown): boolean {
  return (
    (error instanceof DomainError && error.code === "stale-visit") || (error instanceof Error && error.name === "StaleVisits")
  );
}

/** Runs a use case whose steps throw DomainError, and hands the adapter a Result instead. */
export async function asResult<T>(work: () => Promise<T>): Promise<Result<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (error instanceof DomainError) return { ok: false, error };
    throw error;
  }
}
