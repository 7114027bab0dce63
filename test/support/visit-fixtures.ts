import type { VisitRequestInput } from "../../src/domain/visit-request.js";

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
