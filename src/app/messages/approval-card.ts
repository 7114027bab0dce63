import { describeParts, missingParts, signOffParts } from "../../domain/joint-approval.js";
import type { Visit } from "../../domain/visit.js";
import { capitalise } from "./capitalise.js";
import type { NeutralMessage } from "./neutral-message.js";
import { fullDetails, visitLabel, when } from "./visit-details.js";

/** Button ids on the approval card: part of the outside contract, never rename. */
export const APPROVAL_ACTIONS = {
  approve: "visit_approve",
  decline: "visit_decline",
  conditions: "visit_conditions",
  /** Send it back to the requester with a note; they change it and resubmit into the same visit. */
  changes: "visit_changes",
  /** On the requester's direct message: opens the request form, filled in, to change and resubmit. */
  resubmit: "visit_resubmit",
} as const;

/** The card in the approvers' channel: everything they need to decide, and the decision once made. */
export function approvalCard(visit: Visit, requesterName: string): NeutralMessage {
  const decided = visit.decision;
  const warnings = visit.warnings.map((w) => `⚠️ ${w.text}`).join("\n");
  const cancelled = visit.progress.cancelled;
  const blocks: NeutralMessage["blocks"] = [
    { type: "text", text: `Requested by ${requesterName}` },
    { type: "fields", fields: fullDetails(visit) },
  ];
  if (warnings) blocks.push({ type: "text", text: warnings });
  const history = historyLines(visit);
  if (history) blocks.push({ type: "context", text: history });
  if (cancelled) {
    if (decided) blocks.push({ type: "text", text: decisionLine(visit) });
    blocks.push({ type: "text", text: `*Cancelled* by ${cancelled.name}, ${when(visit, cancelled.at)}: ${cancelled.reason}` });
  } else if (!decided) {
    const signOffs = signOffsLine(visit);
    if (signOffs) blocks.push({ type: "text", text: signOffs });
    blocks.push({
      type: "actions",
      actions: [
        { id: APPROVAL_ACTIONS.approve, label: "Approve", value: visit.id, style: "primary" },
        { id: APPROVAL_ACTIONS.conditions, label: "Approve with conditions", value: visit.id },
        { id: APPROVAL_ACTIONS.changes, label: "Ask for changes", value: visit.id },
        { id: APPROVAL_ACTIONS.decline, label: "Decline", value: visit.id, style: "danger" },
      ],
    });
    blocks.push({
      type: "context",
      text: `Requested ${when(visit, visit.createdAt)}. Only approvers named in the policy can decide.`,
    });
  } else {
    blocks.push({ type: "text", text: decisionLine(visit) });
  }
  const state = cancelled ? "cancelled" : decided ? decisionWord(visit) : "needs approval";
  return {
    text: `Home visit ${visitLabel(visit)} ${state}`,
    title: `Home visit ${visit.id}`,
    tone: cancelled ? "normal" : !decided ? "warning" : decided.outcome === "approved" ? "success" : "danger",
    blocks,
  };
}

export function decisionWord(visit: Visit): string {
  switch (visit.decision?.outcome) {
    case "approved":
      return visit.decision.conditions ? "approved with conditions" : "approved";
    case "declined":
      return "declined";
    case "changes_requested":
      return "sent back for changes";
    default:
      return "awaiting approval";
  }
}

export function decisionLine(visit: Visit): string {
  const d = visit.decision;
  if (!d) return "";
  const who = d.signedOffBy?.length
    ? d.signedOffBy.map((s) => `${s.name} (${when(visit, s.at)})`).join(" and ")
    : `${d.by.name}, ${when(visit, d.at)}`;
  const parts = [`*${capitalise(decisionWord(visit))}* by ${who}.`];
  if (d.reason) parts.push(`${d.outcome === "changes_requested" ? "What to change" : "Reason"}: ${d.reason}`);
  const c = d.conditions;
  if (c) {
    const list = [c.requirePair ? "go as a pair" : "", c.policeAccompaniment ? "police accompaniment" : "", c.note ?? ""].filter(
      Boolean,
    );
    if (list.length) parts.push(`Conditions: ${list.join("; ")}`);
  }
  return parts.join("\n");
}

/** A joint approval on its way: who has approved, and who is still needed. */
function signOffsLine(visit: Visit): string {
  const parts = signOffParts(visit, visit.policy);
  if (parts.length === 0) return "";
  const given = (visit.progress.signOffs ?? []).map((s) => `${s.name} (${when(visit, s.at)})`);
  const needed = `Needs approval from ${describeParts(missingParts(visit, visit.policy), visit, visit.policy)}.`;
  return given.length ? `Approved so far by ${given.join(" and ")}. ${needed}` : needed;
}

/** Sent back, changed, sent again: the story so far, oldest first. */
function historyLines(visit: Visit): string {
  return (visit.progress.reviews ?? [])
    .map((r) =>
      r.kind === "changes_requested"
        ? `${when(visit, r.at)}: ${r.by.name} asked for changes${r.note ? `: ${r.note}` : ""}`
        : `${when(visit, r.at)}: ${r.by.name} changed it and sent it again`,
    )
    .join("\n");
}
