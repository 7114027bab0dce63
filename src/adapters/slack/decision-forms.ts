import { z } from "zod";
import type { NeutralForm } from "../../app/messages/neutral-message.js";

export const DECLINE_FORM_ID = "visit_decline_submit";
export const CONDITIONS_FORM_ID = "visit_conditions_submit";

/** What a decision modal carries through Slack: the visit, and where the card was pressed. */
export const decisionMetadataSchema = z.object({
  visitId: z.string().min(1),
  channel: z.string().optional(),
  user: z.string().optional(),
});
export type DecisionMetadata = z.infer<typeof decisionMetadataSchema>;

/** Asks the approver why the visit is declined; the reason is required and goes to the requester. */
export function declineForm(meta: DecisionMetadata): NeutralForm {
  return {
    id: DECLINE_FORM_ID,
    title: `Decline ${meta.visitId}`,
    submitLabel: "Decline",
    intro: `Declining home visit *${meta.visitId}*. The requester sees your reason.`,
    fields: [{ id: "reason", label: "Reason", kind: "textarea", required: true, maxLength: 500 }],
    metadata: JSON.stringify(meta),
  };
}

/** Approve with conditions: a pair, police accompaniment, and a note for anything else. */
export function conditionsForm(meta: DecisionMetadata): NeutralForm {
  return {
    id: CONDITIONS_FORM_ID,
    title: `Conditions ${meta.visitId}`,
    submitLabel: "Approve",
    intro: `Approving home visit *${meta.visitId}* with conditions. A pair on a lone visit sends it back to the requester to add one.`,
    fields: [
      { id: "require_pair", label: "Must go as a pair", kind: "checkbox" },
      { id: "police", label: "Police accompaniment", kind: "checkbox" },
      { id: "note", label: "Other conditions", kind: "textarea", maxLength: 500 },
    ],
    metadata: JSON.stringify(meta),
  };
}

/** Reads a modal's private_metadata back; null when it is not ours or was tampered with. */
export function readDecisionMetadata(raw: string | undefined): DecisionMetadata | null {
  try {
    const parsed = decisionMetadataSchema.safeParse(JSON.parse(raw ?? ""));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
