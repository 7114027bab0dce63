import { SAFE_HOW } from "../../domain/safety/responders.js";
import type { SafetyEffect } from "../../domain/safety-effects.js";
import type { Directory } from "../../domain/school-directory.js";
import { type Visit, visitingStaff } from "../../domain/visit.js";
import { alarmAlert, escalationMessage, resolvedCard, takenCard } from "../messages/alert-messages.js";
import type { NeutralMessage } from "../messages/neutral-message.js";
import { answerMessage } from "../messages/reply-answers.js";
import { notStartedNotice, startQuestion } from "../messages/start-messages.js";
import { timeOf, visitLabel, when } from "../messages/visit-details.js";
import { checkInPrompt, nameOf, notice, threadOpener, threadReply } from "../messages/visit-messages.js";
import { weCalledTodayMessage } from "../messages/we-called-today.js";
import type { OutgoingMessage, Target } from "../ports.js";
import { type Recipient, resolveRecipients } from "./recipients.js";
import { recordRequests, stopDoorstepTimeout } from "./stop-messages.js";

export interface MessageContext {
  directory: Directory;
  /** Where answers to the pair go: the visit's thread, or the direct message they wrote in. */
  answerTo?: Target;
  /** The ref keys of every alert card already sent for this visit, so answers can update them. */
  cards?: readonly string[];
}

/** Cards carry their alert episode and recipient, so an answer updates exactly that alert's cards. */
export function cardKey(episode: string, n: string, to: Recipient): string {
  return `card:${Date.parse(episode)}:${n}:${to.recipient}:${to.key}`;
}

function cardsOf(cards: readonly string[], episodes: readonly string[], options: { pair: boolean }): string[] {
  const prefixes = episodes.map((episode) => `card:${Date.parse(episode)}:`);
  return cards.filter((key) => prefixes.some((p) => key.startsWith(p)) && (options.pair || !key.includes(":pair:")));
}

/**
 * Turns what the domain decided into messages for the outbox: who hears what, on the visit's
 * platform. Pupil details never go to the visits channel or its thread.
 */
export function effectsToMessages(visit: Visit, effects: readonly SafetyEffect[], context: MessageContext): OutgoingMessage[] {
  return effects.flatMap((effect) => messagesFor(visit, effect, context));
}

function messagesFor(visit: Visit, effect: SafetyEffect, context: MessageContext): OutgoingMessage[] {
  const thread: Target = { kind: "visit_thread", visitId: visit.id };
  const out = (target: Target, message: NeutralMessage, extra: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
    visitId: visit.id,
    platform: visit.platform,
    target,
    message,
    ...extra,
  });
  const recipients = (targets: readonly string[]) => resolveRecipients(visit, targets, context.directory);
  const toTargets = (
    targets: readonly string[],
    build: (to: Recipient) => NeutralMessage,
    extra: (to: Recipient) => Partial<OutgoingMessage> = () => ({}),
  ) => recipients(targets).map((to) => out(to.target, build(to), extra(to)));
  const updateCards = (keys: readonly string[], message: NeutralMessage) =>
    keys.map((key) => out({ kind: "channel", role: "alerts" }, message, { updates: key }));
  /** The end of an alert: everyone it reached is told, and every card it sent (the pair's too) loses its buttons. */
  const standDown = (effect: { reached: readonly string[]; episodes: readonly string[] }, text: string, cardText: string) => [
    ...toTargets(
      effect.reached,
      () => notice(text, "success"),
      () => ({ critical: true }),
    ),
    ...updateCards(cardsOf(context.cards ?? [], effect.episodes, { pair: true }), resolvedCard(visit, cardText)),
  ];

  switch (effect.type) {
    case "answer":
      return [out(context.answerTo ?? thread, answerMessage(visit, effect.answer))];
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
    case "prompt_check_in": {
      const messages = [out(thread, checkInPrompt(visit, effect.due))];
      const contact = visit.request.responsibleContact;
      if (effect.responsibleContact && contact?.staffId)
        messages.push(
          out(
            { kind: "dm", staffId: contact.staffId },
            notice(
              `Out of hours: ${visitLabel(visit)} is due to check in by ${timeOf(visit, effect.due)}. You are the responsible contact.`,
            ),
          ),
        );
      return messages;
    }
    case "start_question":
      return [
        out(thread, startQuestion(visit, effect.plannedStart)),
        ...toTargets(["pair"], () => startQuestion(visit, effect.plannedStart)),
      ];
    case "not_started":
      return toTargets([effect.to], () => notStartedNotice(visit, effect.askedAt, effect.to));
    case "escalation_step":
      return toTargets(
        effect.targets,
        (to) => escalationMessage(visit, effect, to.recipient),
        (to) => ({
          critical: true,
          refKey: cardKey(effect.episode, `s${effect.stepIndex}`, to),
        }),
      );
    case "alarm_alert":
      // Never to the pair's own phones, even if one of them holds a notified role: the alarm is silent.
      return recipients(effect.targets)
        .filter((to) => !(to.target.kind === "dm" && visitingStaff(visit).includes(to.target.staffId)))
        .map((to) =>
          out(to.target, alarmAlert(visit, effect), { critical: true, refKey: cardKey(effect.episode, `a${effect.repeat}`, to) }),
        );
    case "ladder_stood_down": {
      const text = `Stand down: ${nameOf(visit, effect.by)} checked in on home visit ${visit.id} at ${timeOf(visit, effect.at)}. Staff are safe.`;
      return standDown(effect, text, `Stood down at ${timeOf(visit, effect.at)}: ${nameOf(visit, effect.by)} checked in.`);
    }
    case "alert_taken": {
      const text = `${effect.by} is dealing with home visit ${visit.id}${effect.note ? `: "${effect.note}"` : ""}. The alert is paused until ${timeOf(visit, effect.until)}, then goes on unless the staff are confirmed safe.`;
      return [
        ...toTargets(effect.reached, () => notice(text, "warning")),
        ...updateCards(
          cardsOf(context.cards ?? [], effect.episodes, { pair: false }),
          takenCard(visit, effect.by, effect.at, effect.until, effect.note),
        ),
      ];
    }
    case "alarm_stood_down": {
      const how = effect.how === "other" ? (effect.note ?? "") : SAFE_HOW[effect.how];
      const text = `Stand down: ${effect.by} confirmed the staff on home visit ${visit.id} are safe (${how}).`;
      return standDown(effect, text, `Stood down by ${effect.by}: ${how}.`);
    }
    case "doorstep_timeout": {
      if (effect.stop !== undefined) return stopDoorstepTimeout(visit, effect, thread, out, toTargets);
      const card = visit.policy.records.weCalledTodayCard ? ' Leave a "We called today" card and record it.' : "";
      const why = effect.reason === "parents_late" ? "parents did not arrive in time" : "nobody answered";
      return [
        out(
          thread,
          threadReply(`Time is up: please leave now. Visit cancelled: ${why}.${card} Reply back when you are at school.`),
        ),
        ...toTargets(effect.notify, () =>
          notice(`Home visit ${visitLabel(visit)}: ${why}, so the visit was cancelled. Attendance follow-up may be needed.`),
        ),
      ];
    }
    case "delay_notice":
      return toTargets(["office"], () =>
        notice(
          `Home visit ${visit.id} is delayed by ${effect.minutes} min. Now expected back by ${when(visit, effect.expectedReturn)}.`,
        ),
      );
    case "unread_message":
      return toTargets(["office"], () =>
        notice(
          `${nameOf(visit, effect.by)} wrote on home visit ${visitLabel(visit)}, and homevisit could not read it as a check-in: "${effect.text.slice(0, 500)}". Please read it and reply to them.`,
          "warning",
        ),
      );
    case "visit_cancelled": {
      const text = `Home visit ${visitLabel(visit)} was cancelled by ${effect.by}: ${effect.reason}.`;
      const home = effect.staffAway ? " Check-ins have stopped: reply back when you are safely at school." : "";
      return [
        ...(visit.progress.threadOpenedAt ? [out(thread, threadReply(`${text}${home}`))] : []),
        ...(effect.staffAway ? toTargets(["pair"], () => notice(`${text}${home}`, "warning")) : []),
        ...toTargets(effect.notify, () => notice(text)),
      ];
    }
    case "we_called_card":
      // Privately, to the pair only: the card has the child's name on it.
      return toTargets(["pair"], () => weCalledTodayMessage(visit, new Date(effect.at)));
    case "request_record":
      return recordRequests(visit, false).map((message) => out({ kind: "dm", staffId: visit.request.lead.staffId }, message));
    case "record_reminder":
      return effect.to === "lead"
        ? recordRequests(visit, true).map((message) => out({ kind: "dm", staffId: visit.request.lead.staffId }, message))
        : recordRequests(visit, true).flatMap((message) => toTargets(["dsl"], () => message));
  }
}
