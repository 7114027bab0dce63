import { fileURLToPath } from "node:url";
import { loadPolicyFile } from "../../src/config/load-school.js";
import { addMinutes } from "../../src/domain/clock.js";
import type { Policy } from "../../src/domain/policy.js";
import { applyReply, type ReplyInput, type ReplyOutcome } from "../../src/domain/replies/apply-reply.js";
import { nextStep } from "../../src/domain/safety/safety-engine.js";
import type { Reach, SafetyEffect } from "../../src/domain/safety-effects.js";
import type { StaffMember } from "../../src/domain/school-directory.js";
import type { Progress, Visit } from "../../src/domain/visit.js";
import type { VisitStatus } from "../../src/domain/visit-lifecycle.js";
import { parseVisitRequest, type VisitRequest, type VisitRequestInput } from "../../src/domain/visit-request.js";

/** The policies folder at the repository root. */
export const policiesDir = fileURLToPath(new URL("../../policies/", import.meta.url));

export function presetPath(name: string): string {
  return `${policiesDir}${name}.yaml`;
}

export function loadPreset(name: string): Policy {
  return loadPolicyFile(presetPath(name));
}

/** Tuesday 24 November 2026, 10:00 in London (GMT, so 10:00Z): a school day, mid-morning. */
export const T0 = new Date("2026-11-24T10:00:00Z");

export const minutesAfter = (minutes: number, from: Date = T0): Date => addMinutes(from, minutes);

/** Everyone the ladder names can be reached (every role is held by someone). */
export const reachAll: Reach = () => true;

/** The first purpose of the policy that is (or is not) a safeguarding purpose. */
export function purposeOf(policy: Policy, safeguarding: boolean): string {
  const purpose = policy.purposes.find((p) => p.safeguarding === safeguarding);
  if (!purpose) throw new Error(`${policy.version} has no ${safeguarding ? "" : "non-"}safeguarding purpose`);
  return purpose.id;
}

/**
 * A complete request that every preset accepts: two staff, a car, parents told, a code word,
 * 10:30 on a school day, back by 12:00. Override only what a test is about.
 */
export function requestInput(policy: Policy, overrides: Partial<VisitRequestInput> = {}): VisitRequestInput {
  return {
    pupil: { name: "Jamie Lee Smith", misId: "MIS-1042" },
    address: "12 Example Street, Salford M5 3AA",
    purposeId: purposeOf(policy, false),
    plannedStart: minutesAfter(30).toISOString(),
    durationMinutes: 45,
    expectedReturn: minutesAfter(120).toISOString(),
    lead: { staffId: "t.jones", name: "Tess Jones", mobile: "07700 900123" },
    second: { staffId: "a.khan", name: "Ali Khan", mobile: "07700 900456" },
    vehicle: { make: "Ford", model: "Fiesta", colour: "Blue", registration: "ab12 cde" },
    parentsTold: true,
    codeWord: "bluebird",
    ...overrides,
  };
}

export function buildRequest(policy: Policy, overrides: Partial<VisitRequestInput> = {}): VisitRequest {
  const parsed = parseVisitRequest(requestInput(policy, overrides));
  if (!parsed.ok) throw new Error(`test request does not parse: ${JSON.stringify(parsed.errors)}`);
  return parsed.value;
}

/** A visit built by hand, as the store would hold it, with the policy already snapshotted. */
export function buildVisit(
  policy: Policy,
  options: { status?: VisitStatus; request?: VisitRequest; progress?: Partial<Progress> } = {},
): Visit {
  const { codeWord: _codeWord, ...request } = options.request ?? buildRequest(policy);
  return {
    id: "HV-0001",
    status: options.status ?? "approved",
    version: 1,
    platform: "console",
    requesterId: request.lead.staffId,
    request,
    codeWordHash: "scrypt$not$used",
    warnings: [],
    policy,
    policyVersion: policy.version,
    decision: null,
    progress: { expectedReturn: request.expectedReturn.toISOString(), ...options.progress },
    messageRefs: {},
    createdAt: T0,
    hasRecord: false,
  };
}

export function staff(id: string, roles: string[]): StaffMember {
  return { id, name: id, roles };
}

export interface TimedEffect {
  at: string;
  effect: SafetyEffect;
}

/**
 * Runs the safety engine the way the scheduler does: at `from`, then at each `nextAt` it
 * asks for, until `until`. Every effect is stamped with the exact moment it fired.
 */
export function runEngine(
  visit: Visit,
  from: Date,
  until: Date,
  reach: Reach = reachAll,
): { visit: Visit; timeline: TimedEffect[] } {
  const timeline: TimedEffect[] = [];
  let current = visit;
  let now = from;
  for (let i = 0; i < 200; i++) {
    const outcome = nextStep(current, now, reach);
    current = outcome.visit;
    for (const effect of outcome.effects) timeline.push({ at: now.toISOString(), effect });
    if (!outcome.nextAt || outcome.nextAt.getTime() > until.getTime()) break;
    now = outcome.nextAt;
  }
  return { visit: current, timeline };
}

export type EscalationEffect = Extract<SafetyEffect, { type: "escalation_step" }>;

export function escalations(timeline: TimedEffect[]): { at: string; effect: EscalationEffect }[] {
  return timeline.flatMap((entry) => (entry.effect.type === "escalation_step" ? [{ at: entry.at, effect: entry.effect }] : []));
}

/** Unwraps a domain Result in a test, failing loudly with the domain's own message. */
export function unwrap<T>(result: { ok: true; value: T } | { ok: false; error: Error }): T {
  if (!result.ok) throw result.error;
  return result.value;
}

/** One of the pair's replies, applied by the domain with everyone reachable; it must be one. */
export function replyTo(visit: Visit, reply: ReplyInput, staffId: string, at: Date): ReplyOutcome {
  const result = applyReply(visit, reply, staffId, at, reachAll);
  if (!result.ok) throw result.error;
  if (!result.value) throw new Error(`${reply.type} was not read as a reply to ${visit.id}`);
  return result.value;
}
