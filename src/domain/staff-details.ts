import { z } from "zod";
import { mobile, text } from "./form-text.js";

/**
 * What a member of staff keeps for their request forms: their mobile and the car they take, so
 * a form on a phone at the school gate is mostly filled in. Set with `homevisit me`, and from
 * each visit they request.
 */
export interface StaffDetails {
  mobile?: string;
  vehicle?: { make: string; model: string; colour: string; registration: string } | null;
}

export const staffDetailsSchema = z.object({
  mobile,
  vehicle: z
    .object({
      make: text(40).min(1, "enter the make, or tick I do not drive to visits"),
      model: text(40),
      colour: text(30),
      registration: text(10)
        .min(2, "enter the registration")
        .transform((value) => value.toUpperCase().replace(/\s+/g, " ")),
    })
    .nullable(),
});
