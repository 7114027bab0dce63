import type { EscalationStep } from "../../domain/policy.js";
import type { SafetyEffect } from "../../domain/safety-effects.js";
import { currentStop, hasStops } from "../../domain/stops.js";
import { type AlarmKind, type LadderReason, lastKnownPlace, type Visit } from "../../domain/visit.js";
import type { Action, NeutralMessage } from "./neutral-message.js";
import {
  fullDetails,
  mobilesText,
  planField,
  staffNames,
  timeOf,
  vehicleText,
  visitLabel,
  when,
  whereNow,
} from "./visit-details.js";
import { nameOf, VISIT_ACTIONS } from "./visit-messages.js";

const WHY: Record<LadderReason, string> = {
  missed_check_in: "missed a check-in",
  overdue_return: "are not back when expected",
  not_started: "never said they set off, and are now overdue",
};

/** The same, said to the pair themselves. */
const WHY_TO_PAIR: Record<LadderReason, string> = {
  missed_check_in: "missed a check-in",
  overdue_return: "are not back when expected",
  not_started: "have not said you set off, and are now overdue",
};

const responseButtons = (visit: Visit): Action[] => [
  { id: VISIT_ACTIONS.acknowledge, label: "I'm calling them", value: visit.id },
  { id: VISIT_ACTIONS.staffSafe, label: "Staff are safe", value: visit.id, style: "primary" },
];

/**
 * The emergency pack: everything the police would be asked for. Alerts channel and leaders only.
 * The code word has its own instruction when the policy gives one, so an overdue pack never opens
 * with "Code word used".
 */
export function emergencyPack(
  visit: Visit,
  headline: string,
  options: { ask?: string; codeWord?: boolean } = {},
): NeutralMessage {
  const last = visit.progress.lastCheckIn;
  const escalation = visit.policy.escalation;
  const instruction = options.codeWord
    ? (escalation.codeWordInstruction ?? escalation.emergencyInstruction)
    : escalation.emergencyInstruction;
  return {
    text: `${headline}: home visit ${visit.id}`,
    title: headline,
    tone: "danger",
    blocks: [
      { type: "text", text: [`Home visit ${visit.id}.`, options.ask, instruction].filter(Boolean).join("\n") },
      {
        type: "fields",
        fields: [
          { label: "Staff", value: staffNames(visit) },
          { label: "Mobiles", value: mobilesText(visit) },
          ...whereNow(visit),
          { label: "Vehicle", value: vehicleText(visit) },
          {
            label: "Last check-in",
            value: last ? `${when(visit, last.at)} by ${nameOf(visit, last.by)}, ${last.place}` : "none since leaving",
          },
          { label: "Last known", value: lastKnownPlace(visit) },
          ...(hasStops(visit)
            ? [{ label: "Pupil", value: currentStop(visit).pupil.name }]
            : fullDetails(visit).filter((f) => f.label === "Pupil")),
          ...fullDetails(visit).filter((f) => f.label === "Known risks"),
          ...planField(visit),
        ],
      },
      { type: "actions", actions: responseButtons(visit) },
    ],
  };
}

/** One step of the ladder, worded for who receives it. Mobiles go to the office and leaders only. */
export function escalationMessage(
  visit: Visit,
  effect: Extract<SafetyEffect, { type: "escalation_step" }>,
  recipient: string,
): NeutralMessage {
  const why = WHY[effect.reason];
  if (effect.step.emergencyPack && recipient !== "pair")
    return emergencyPack(visit, `EMERGENCY: staff ${why}`, { ask: effect.step.ask });
  if (recipient === "pair") {
    const yours = WHY_TO_PAIR[effect.reason];
    return {
      text: `You ${yours} on home visit ${visit.id}. Reply ok if you are safe.`,
      tone: "warning",
      blocks: [
        { type: "text", text: `You ${yours} on home visit *${visitLabel(visit)}*. ${effect.step.ask}` },
        { type: "actions", actions: [{ id: VISIT_ACTIONS.checkInOk, label: "I'm OK", value: visit.id, style: "primary" }] },
      ],
    };
  }
  return {
    text: `Home visit ${visit.id}: ${staffNames(visit)} ${why}. ${effect.step.ask}`,
    title: `Home visit ${visit.id}: staff ${why}`,
    tone: "warning",
    blocks: [
      { type: "text", text: `${staffNames(visit)} ${why}.\n${effect.step.ask}` },
      {
        type: "fields",
        fields: [
          { label: "Mobiles", value: mobilesText(visit) },
          ...whereNow(visit),
          { label: "Last check-in", value: visit.progress.lastCheckIn ? when(visit, visit.progress.lastCheckIn.at) : "none" },
        ],
      },
      { type: "actions", actions: responseButtons(visit) },
    ],
  };
}

const HEADLINE: Record<AlarmKind, (by: string) => string> = {
  code_word: (by) => `CODE WORD used by ${by}`,
  help: (by) => `HELP asked for by ${by}`,
  ladder: () => "EMERGENCY: staff not reached",
};

/** The alarm going out: the first time, or again because nobody has taken it (or their pause ran out). */
export function alarmAlert(visit: Visit, effect: Extract<SafetyEffect, { type: "alarm_alert" }>): NeutralMessage {
  const by = effect.by ? nameOf(visit, effect.by) : "the visiting staff";
  const repeat = effect.repeat > 0 ? ` (alert ${effect.repeat + 1}: nobody has taken it yet)` : "";
  const step: EscalationStep | undefined = effect.step;
  return emergencyPack(visit, `${HEADLINE[effect.kind](by)}${repeat}`, {
    ask: step?.ask ?? "Press I'm calling them if you are dealing with it; the alarm repeats until someone does.",
    codeWord: effect.kind === "code_word",
  });
}

/** What every alert card already sent becomes once someone has taken the alarm: one button left. */
export function takenCard(visit: Visit, by: string, at: string, until: string, note?: string): NeutralMessage {
  const text = `Taken by ${by} at ${timeOf(visit, at)}${note ? `: "${note}"` : ""}. It alerts again at ${timeOf(visit, until)} unless the staff are confirmed safe.`;
  return {
    text: `Home visit ${visit.id}: ${text}`,
    title: `Home visit ${visit.id}: being dealt with`,
    tone: "warning",
    blocks: [
      { type: "text", text },
      { type: "actions", actions: [{ id: VISIT_ACTIONS.staffSafe, label: "Staff are safe", value: visit.id, style: "primary" }] },
    ],
  };
}

/** What every alert card becomes once the staff are known to be safe: no live button left behind. */
export function resolvedCard(visit: Visit, text: string): NeutralMessage {
  return {
    text: `Home visit ${visit.id}: ${text}`,
    title: `Home visit ${visit.id}: stood down`,
    tone: "success",
    blocks: [{ type: "text", text }],
  };
}
