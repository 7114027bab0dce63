import type { Visit } from "../../domain/visit.js";
import type { NeutralMessage } from "./neutral-message.js";
import { visitLabel, when } from "./visit-details.js";
import { notice } from "./visit-messages.js";

/** What the requester sees once the form is in: the form itself becomes this (Teams, the console). */
export function sentForApproval(visit: Visit): NeutralMessage {
  const warnings = visit.warnings.map((w) => `⚠️ ${w.text}`).join("\n");
  return {
    text: `Home visit ${visit.id} sent for approval`,
    title: "Sent for approval",
    tone: "success",
    blocks: [
      {
        type: "text",
        text: `Home visit *${visitLabel(visit)}*, ${when(visit, visit.request.plannedStart)}, is waiting for approval.`,
      },
      ...(warnings ? [{ type: "text" as const, text: warnings }] : []),
      {
        type: "context",
        text: "It is on its way to the approvers; you will hear here when it is decided. homevisit status shows your visits.",
      },
    ],
  };
}

/**
 * The Home Visit Form is saved. Saved is all it says: the post to the records channel is still on
 * its way, and the person is never told it arrived before it did.
 */
export function recordSaved(visit: Visit): NeutralMessage {
  return notice(
    `Home Visit Form for ${visitLabel(visit)} saved. It is being posted to the restricted records channel; nobody else gets a copy.`,
    "success",
  );
}
