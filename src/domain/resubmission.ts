import { fail, ok, type Result } from "./domain-error.js";
import type { StaffMember } from "./school-directory.js";
import type { Review, Visit } from "./visit.js";
import { transition } from "./visit-lifecycle.js";
import type { PolicyWarning, StoredVisitRequest } from "./visit-request.js";

/**
 * The requester changed a request that was sent back, and sends it again: the same visit id, the
 * new details, no decision yet, and the story kept for the approvers. The code word stays unless
 * they typed a new one.
 */
export function resubmitRequest(
  visit: Visit,
  by: StaffMember,
  change: { request: StoredVisitRequest; warnings: PolicyWarning[]; codeWordHash?: string },
  now: Date,
): Result<Visit> {
  if (visit.requesterId !== by.id)
    return fail("not-the-requester", `Only ${visit.request.lead.name}, who requested it, can change and resend this visit.`);
  const next = transition(visit.status, "resubmit");
  if (!next.ok)
    return fail("invalid-transition", "This visit is not waiting for changes: it has been decided or changed already.", {
      status: visit.status,
    });
  const review: Review = { kind: "resubmitted", by: { staffId: by.id, name: by.name }, at: now.toISOString() };
  return ok({
    ...visit,
    status: next.value,
    request: change.request,
    warnings: change.warnings,
    codeWordHash: change.codeWordHash ?? visit.codeWordHash,
    decision: null,
    progress: {
      ...visit.progress,
      expectedReturn: change.request.expectedReturn.toISOString(),
      signOffs: [],
      approvalRemindedAt: undefined,
      reviews: [...(visit.progress.reviews ?? []), review],
    },
  });
}
