import { DomainError } from "../../domain/domain-error.js";
import type { Visit } from "../../domain/visit.js";
import { normaliseVisitId } from "../../domain/visit-id.js";
import type { StoreTx } from "../ports.js";

/** Loads and locks a visit for change, or explains that there is no such visit. */
export async function loadVisitForUpdate(tx: StoreTx, visitId: string): Promise<Visit> {
  const visit = await tx.getVisitForUpdate(normaliseVisitId(visitId));
  if (!visit) throw new DomainError("visit-not-found", `There is no home visit ${normaliseVisitId(visitId)}.`);
  return visit;
}
