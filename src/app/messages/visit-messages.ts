import { describeRoles } from "../../domain/approval.js";
import type { SafetyEffect } from "../../domain/safety-effects.js";
import { lastKnownPlace, type Visit } from "../../domain/visit.js";
import type { NeutralMessage } from "./neutral-message.js";
import { fullDetails, mobilesText, staffNames, vehicleText, visitLabel, when } from "./visit-details.js";

/** Button ids: part of the outside contract, never rename. */
export const VISIT_ACTIONS = {
  checkInOk: "checkin_ok",
  acknowledge: "escalation_ack",
  staffSafe: "escalation_safe",
  openRecord: "record_open",
} as const;

/** Opens the visit's thread in the general visits channel: id and initials only, never the pupil's name. */
export function threadOpener(visit: Visit): NeutralMessage {
  const minutes = visit.policy.checkIns.intervalMinutes;
  return {
    text: `Home visit ${visitLabel(visit)} today: ${staffNames(visit)}`,
    title: `Home visit ${visitLabel(visit)}`,
    mentions: [visit.request.lead.staffId, ...(visit.request.second ? [visit.request.second.staffId] : [])],
    blocks: [
      {
        type: "text",
        text: `Home visit *${visitLabel(visit)}* today, ${when(visit, visit.request.plannedStart)}: ${staffNames(visit)}.`,
      },
      {
        type: "context",
        text: `Reply in this thread: leaving, arrived, in, ok (every ${minutes} min), left, back. Type help for more.`,
      },
    ],
  };
}

export function threadReply(text: string): NeutralMessage {
  return { text, blocks: [{ type: "text", text }] };
}

export function checkInPrompt(visit: Visit, due: string): NeutralMessage {
  return {
    text: `Check-in due by ${when(visit, due).replace(/^.*, /, "")}: reply ok`,
    mentions: [visit.request.lead.staffId, ...(visit.request.second ? [visit.request.second.staffId] : [])],
    blocks: [
      { type: "text", text: `Check-in due by *${when(visit, due).replace(/^.*, /, "")}*. Reply ok, or press the button.` },
      { type: "actions", actions: [{ id: VISIT_ACTIONS.checkInOk, label: "I'm OK", value: visit.id, style: "primary" }] },
    ],
  };
}

/** The emergency pack: everything the police would be asked for. Alerts channel and leaders only. */
export function emergencyPack(visit: Visit, headline: string, ask?: string): NeutralMessage {
  const last = visit.progress.lastCheckIn;
  return {
    text: `${headline}: home visit ${visit.id}`,
    title: headline,
    tone: "danger",
    blocks: [
      { type: "text", text: `*${headline}* — home visit ${visit.id}` },
      { type: "text", text: [ask, visit.policy.escalation.emergencyInstruction].filter(Boolean).join("\n") },
      {
        type: "fields",
        fields: [
          { label: "Staff", value: staffNames(visit) },
          { label: "Mobiles", value: mobilesText(visit) },
          { label: "Address", value: visit.request.address },
          { label: "Vehicle", value: vehicleText(visit) },
          {
            label: "Last check-in",
            value: last ? `${when(visit, last.at)} by ${nameOf(visit, last.by)}, ${last.place}` : "none since leaving",
          },
          { label: "Last known", value: lastKnownPlace(visit) },
          ...fullDetails(visit).filter((f) => f.label === "Pupil" || f.label === "Known risks"),
        ],
      },
      {
        type: "actions",
        actions: [
          { id: VISIT_ACTIONS.acknowledge, label: "I'm calling them", value: visit.id },
          { id: VISIT_ACTIONS.staffSafe, label: "Staff are safe", value: visit.id, style: "primary" },
        ],
      },
    ],
  };
}

/** One step of the ladder, worded for who receives it. Mobiles go to the office and leaders only. */
export function escalationMessage(
  visit: Visit,
  effect: Extract<SafetyEffect, { type: "escalation_step" }>,
  recipient: string,
): NeutralMessage {
  const why = effect.reason === "missed_check_in" ? "missed a check-in" : "are not back when expected";
  if (effect.step.emergencyPack && recipient !== "pair") return emergencyPack(visit, `EMERGENCY: staff ${why}`, effect.step.ask);
  if (recipient === "pair") {
    return {
      text: `You ${why} on home visit ${visit.id}. Reply ok if you are safe.`,
      tone: "warning",
      blocks: [
        { type: "text", text: `You ${why} on home visit *${visitLabel(visit)}*. ${effect.step.ask}` },
        { type: "actions", actions: [{ id: VISIT_ACTIONS.checkInOk, label: "I'm OK", value: visit.id, style: "primary" }] },
      ],
    };
  }
  return {
    text: `Home visit ${visit.id}: ${staffNames(visit)} ${why}. ${effect.step.ask}`,
    tone: "warning",
    blocks: [
      { type: "text", text: `*Home visit ${visit.id}*: ${staffNames(visit)} ${why}.\n${effect.step.ask}` },
      {
        type: "fields",
        fields: [
          { label: "Mobiles", value: mobilesText(visit) },
          { label: "Address", value: visit.request.address },
          { label: "Last check-in", value: visit.progress.lastCheckIn ? when(visit, visit.progress.lastCheckIn.at) : "none" },
        ],
      },
      {
        type: "actions",
        actions: [
          { id: VISIT_ACTIONS.acknowledge, label: "I'm calling them", value: visit.id },
          { id: VISIT_ACTIONS.staffSafe, label: "Staff are safe", value: visit.id, style: "primary" },
        ],
      },
    ],
  };
}

export function notice(text: string, tone: NeutralMessage["tone"] = "normal"): NeutralMessage {
  return { text, tone, blocks: [{ type: "text", text }] };
}

export function recordRequest(visit: Visit, reminder: boolean): NeutralMessage {
  const text = reminder
    ? `Reminder: the Home Visit Form for ${visitLabel(visit)} is still missing.`
    : `Please complete the Home Visit Form for ${visitLabel(visit)} while it is fresh.`;
  return {
    text,
    blocks: [
      { type: "text", text },
      {
        type: "actions",
        actions: [{ id: VISIT_ACTIONS.openRecord, label: "Complete the form", value: visit.id, style: "primary" }],
      },
    ],
  };
}

export function nameOf(visit: Visit, staffId: string): string {
  const { lead, second } = visit.request;
  if (lead.staffId === staffId) return lead.name;
  if (second?.staffId === staffId) return second.name;
  return staffId;
}

export function onlyRolesText(roles: readonly string[]): string {
  return `Only ${describeRoles(roles)} can do that.`;
}
