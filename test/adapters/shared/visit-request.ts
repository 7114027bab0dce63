import type { RequestValues } from "./chat-driver.js";

/** The pupil every scenario visits: approvers see these; the visits channel never may. */
export const PUPIL = { name: "Jamie Lee Smith", address: "14 Acacia Avenue, Salford M5 4AB", initials: "J.L.S." } as const;
export const CODE_WORD = "pineapple";

/** A request the default policy accepts: a pair, a car, parents told, a code word, 30 minutes from now. */
export function validRequestValues(overrides: RequestValues = {}): RequestValues {
  return {
    pupil_name: PUPIL.name,
    address: PUPIL.address,
    purpose: "attendance",
    planned_start: "2026-11-24T10:30:00.000Z",
    duration: 45,
    expected_return: "2026-11-24T11:30:00.000Z",
    lead_mobile: "07700 900105",
    second_staff: "f.nowak",
    vehicle_make: "Ford",
    vehicle_model: "Fiesta",
    vehicle_colour: "Blue",
    vehicle_registration: "AB12 CDE",
    parents_told: "yes",
    code_word: CODE_WORD,
    ...overrides,
  };
}
