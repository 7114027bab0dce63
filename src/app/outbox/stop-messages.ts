import { stopsToRecord } from "../../domain/replies/next-stop.js";
import type { SafetyEffect } from "../../domain/safety-effects.js";
import { stopLabel, stopsOf } from "../../domain/stops.js";
import type { Visit } from "../../domain/visit.js";
import type { NeutralMessage } from "../messages/neutral-message.js";
import { notice, recordRequest, threadReply } from "../messages/visit-messages.js";
import type { OutgoingMessage, Target } from "../ports.js";
import type { Recipient } from "./recipients.js";

/**
 * The Home Visit Form asked for: one form for a visit to one home; on a day of visits, one per home
 * the pair reached and not yet recorded, each naming its stop.
 */
export function recordRequests(visit: Visit, reminder: boolean): NeutralMessage[] {
  const stops = stopsToRecord(visit);
  if (stops.length === 0) return [recordRequest(visit, reminder)];
  const done = new Set(visit.progress.recordedStops ?? []);
  return stopsOf(visit)
    .filter((stop) => stops.includes(stop.number) && !done.has(stop.number))
    .map((stop) => recordRequest(visit, reminder, stop));
}

type Out = (target: Target, message: NeutralMessage, extra?: Partial<OutgoingMessage>) => OutgoingMessage;
type ToTargets = (targets: readonly string[], build: (to: Recipient) => NeutralMessage) => OutgoingMessage[];

/** The doorstep wait ran out at one home of a day of visits: leave it, and on to the next (or back). */
export function stopDoorstepTimeout(
  visit: Visit,
  effect: Extract<SafetyEffect, { type: "doorstep_timeout" }>,
  thread: Target,
  out: Out,
  toTargets: ToTargets,
): OutgoingMessage[] {
  const stop = stopsOf(visit).find((s) => s.number === effect.stop);
  const label = stop ? stopLabel(visit, stop) : `stop ${effect.stop}`;
  const why = effect.reason === "parents_late" ? "parents did not arrive in time" : "nobody answered";
  const card = visit.policy.records.weCalledTodayCard ? ' Leave a "We called today" card and record it.' : "";
  const then = effect.nextStop
    ? `Reply next when you set off for stop ${effect.nextStop}.`
    : "That was the last stop: reply back when you are at school.";
  return [
    out(thread, threadReply(`Time is up at ${label}: please leave now (${why}).${card} ${then}`)),
    ...toTargets(effect.notify, () =>
      notice(`Home visit ${visit.id}, ${label}: ${why}, so the pair left that home. Attendance follow-up may be needed.`),
    ),
  ];
}
