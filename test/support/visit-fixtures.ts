import type { Policy } from "../../src/domain/policy.js";
import type { Visit } from "../../src/domain/visit.js";
import { parseVisitRequest, type VisitRequestInput } from "../../src/domain/visit-request.js";

/** Erin Walsh and Filip Nowak visit a pupil at 11:00 on the test morning (demo school). */
export function demoRequestInput(overrides: Partial<VisitRequestInput> = {}): VisitRequestInput {
  return {
    pupil: { name: "Jamie Lee Smith", misId: "A123" },
    address: "12 Orchard Way, Salford M5 4AB",
    purposeId: "attendance",
    plannedStart: new Date("2026-11-24T11:00:00.000Z"),
    durationMinutes: 45,
    expectedReturn: new Date("2026-11-24T12:00:00.000Z"),
    lead: { staffId: "e.walsh", name: "Erin Walsh", mobile: "07700 900105" },
    second: { staffId: "f.nowak", name: "Filip Nowak", mobile: "07700 900106" },
    vehicle: { make: "Ford", model: "Focus", colour: "Blue", registration: "AB12 CDE" },
    parentsTold: true,
    risks: { animals: false },
    codeWord: "bluebell",
    ...overrides,
  };
}

/** A requested visit as the store keeps it (Erin's request above), for tests that save rows directly. */
export function demoVisit(id: string, { codeWordHash, policy }: { codeWordHash: string; policy: Policy }): Visit {
  const parsed = parseVisitRequest(demoRequestInput());
  if (!parsed.ok) throw new Error("fixture");
  const { codeWord: _codeWord, ...request } = parsed.value;
  return {
    id,
    status: "requested",
    version: 0,
    platform: "console",
    requesterId: "e.walsh",
    request,
    codeWordHash,
    warnings: [{ code: "lone-visit", text: "Lone visit" }],
    policy,
    policyVersion: policy.version,
    decision: null,
    progress: { expectedReturn: request.expectedReturn.toISOString() },
    messageRefs: {},
    createdAt: new Date("2026-11-24T10:00:00.000Z"),
    hasRecord: false,
  };
}
