import type { SafetyEffect } from "../domain/safety-effects.js";
import { type Directory, staffWithRole } from "../domain/school-directory.js";
import { type Visit, visitingStaff } from "../domain/visit.js";
import type { NeutralMessage } from "./messages/neutral-message.js";
import { visitLabel, when } from "./messages/visit-details.js";
import {
  checkInPrompt,
  emergencyPack,
  escalationMessage,
  nameOf,
  notice,
  recordRequest,
  threadOpener,
  threadReply,
} from "./messages/visit-messages.js";
import { weCalledTodayCard } from "./messages/we-called-today.js";
import type { OutgoingMessage, Target } from "./ports.js";

/**
 * Turns what the domain decided into messages for the outbox: who hears what, on the visit's
 * platform. Pupil details never go to the visits channel or its thread.
 */
export function effectsToMessages(visit: Visit, effects: readonly SafetyEffect[], directory: Directory): OutgoingMessage[] {
  return effects.flatMap((effect) => messagesFor(visit, effect, directory));
}

function messagesFor(visit: Visit, effect: SafetyEffect, directory: Directory): OutgoingMessage[] {
  const thread: Target = { kind: "visit_thread", visitId: visit.id };
  const out = (target: Target, message: NeutralMessage, extra: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
    visitId: visit.id,
    platform: visit.platform,
    target,
    message,
    ...extra,
  });
  const toTargets = (targets: readonly string[], build: (recipient: string) => NeutralMessage, critical: boolean) =>
    resolveRecipients(visit, targets, directory).map(({ target, recipient }) => out(target, build(recipient), { critical }));

  switch (effect.type) {
    case "approval_reminder":
      return [
        out(
          { kind: "channel", role: "approvals" },
          notice(
            `Home visit ${visit.id} has been waiting for approval for ${effect.waitingMinutes} minutes (planned ${when(visit, visit.request.plannedStart)}). Any approver can decide on the card above.`,
            "warning",
          ),
        ),
      ];
    case "open_thread":
      return [out({ kind: "channel", role: "visits" }, threadOpener(visit), { refKey: "thread" })];
    case "thread_reply":
      return [out(thread, threadReply(effect.text))];
    case "prompt_check_in": {
      const messages = [out(thread, checkInPrompt(visit, effect.due))];
      const contact = visit.request.responsibleContact;
      if (effect.responsibleContact && contact?.staffId)
        messages.push(
          out(
            { kind: "dm", staffId: contact.staffId },
            notice(
              `Out of hours: ${visitLabel(visit)} is due to check in by ${when(visit, effect.due)}. You are the responsible contact.`,
            ),
          ),
        );
      return messages;
    }
    case "escalation_step":
      return toTargets(effect.targets, (recipient) => escalationMessage(visit, effect, recipient), true);
    case "code_word_alert":
      // Never to the pair's own phones, even if one of them holds a notified role: the alarm is silent.
      return toTargets(
        ["alerts", ...visit.policy.escalation.codeWordNotify],
        () => emergencyPack(visit, `CODE WORD used by ${nameOf(visit, effect.by)}`),
        true,
      ).filter((m) => !(m.target.kind === "dm" && visitingStaff(visit).includes(m.target.staffId)));
    case "ladder_stood_down":
      return toTargets(
        effect.reached,
        () => notice(`Stand down: ${nameOf(visit, effect.by)} checked in on home visit ${visit.id}. Staff are safe.`, "success"),
        true,
      );
    case "ladder_acknowledged":
      return toTargets(
        effect.reached,
        () =>
          notice(
            `${effect.by} is dealing with home visit ${visit.id}${effect.note ? `: "${effect.note}"` : ""}. Escalation paused until ${when(visit, effect.until).replace(/^.*, /, "")}; it resumes unless the staff check in.`,
            "warning",
          ),
        false,
      );
    case "doorstep_timeout": {
      const card = visit.policy.records.weCalledTodayCard ? ' Leave a "We called today" card and record it.' : "";
      return [
        out(
          thread,
          threadReply(
            `Time is up: please leave now. Visit cancelled: parents not present.${card} Reply back when you are at school.`,
          ),
        ),
        ...toTargets(
          effect.notify,
          () =>
            notice(
              `Home visit ${visit.id}: nobody answered; the visit was cancelled (parents not present). Attendance follow-up may be needed.`,
            ),
          false,
        ),
      ];
    }
    case "delay_notice":
      return toTargets(
        ["office"],
        () =>
          notice(
            `Home visit ${visit.id} is delayed by ${effect.minutes} min. Now expected back by ${when(visit, effect.expectedReturn)}.`,
          ),
        false,
      );
    case "request_record":
      return [out({ kind: "dm", staffId: visit.request.lead.staffId }, recordRequest(visit, false))];
    case "record_reminder": {
      const to = effect.to === "lead" ? ["lead"] : ["dsl"];
      return to.flatMap((who) =>
        who === "lead"
          ? [out({ kind: "dm", staffId: visit.request.lead.staffId }, recordRequest(visit, true))]
          : toTargets(["dsl"], () => recordRequest(visit, true), false),
      );
    }
  }
}

/** Expands ladder targets into concrete places: the pair's DMs, a role's staff, the alerts channel. */
function resolveRecipients(
  visit: Visit,
  targets: readonly string[],
  directory: Directory,
): { target: Target; recipient: string }[] {
  const seen = new Set<string>();
  const result: { target: Target; recipient: string }[] = [];
  const add = (target: Target, recipient: string) => {
    const key = JSON.stringify(target);
    if (seen.has(key)) return;
    seen.add(key);
    result.push({ target, recipient });
  };
  for (const target of targets) {
    if (target === "pair") for (const staffId of visitingStaff(visit)) add({ kind: "dm", staffId }, "pair");
    else if (target === "alerts") add({ kind: "channel", role: "alerts" }, "alerts");
    else if (target === "responsible_contact") {
      const staffId = visit.request.responsibleContact?.staffId;
      if (staffId) add({ kind: "dm", staffId }, target);
    } else for (const person of staffWithRole(directory, target)) add({ kind: "dm", staffId: person.id }, target);
  }
  return result;
}
