import type { StaffDetails } from "../../domain/staff-details.js";
import type { NeutralForm } from "./neutral-message.js";

export const MY_DETAILS_FORM_ID = "my_details_submit";

/** `homevisit me`: the mobile and car a person's request forms start from. */
export function myDetailsForm(details: StaffDetails | null, directoryMobile?: string): NeutralForm {
  const car = details?.vehicle;
  return {
    id: MY_DETAILS_FORM_ID,
    title: "My details",
    submitLabel: "Save",
    intro: "Your request forms start from these. Only you and, for a visit, the office and approvers see them.",
    fields: [
      { id: "mobile", label: "Your mobile", kind: "text", required: true, initial: details?.mobile ?? directoryMobile },
      { id: "vehicle_make", label: "Vehicle make", kind: "text", maxLength: 40, ...(car ? { initial: car.make } : {}) },
      { id: "vehicle_model", label: "Vehicle model", kind: "text", maxLength: 40, ...(car ? { initial: car.model } : {}) },
      { id: "vehicle_colour", label: "Vehicle colour", kind: "text", maxLength: 30, ...(car ? { initial: car.colour } : {}) },
      {
        id: "vehicle_registration",
        label: "Registration",
        kind: "text",
        maxLength: 10,
        ...(car ? { initial: car.registration } : {}),
      },
      {
        id: "no_vehicle",
        label: "I do not drive to visits",
        kind: "checkbox",
        ...(details && !car ? { initial: "true" } : {}),
      },
    ],
  };
}

/** The form's values as the domain reads them: no car when ticked, or when every car field is empty. */
export function formToDetails(values: Record<string, string | undefined>): unknown {
  const v = (key: string) => values[key]?.trim() ?? "";
  const car = [v("vehicle_make"), v("vehicle_model"), v("vehicle_colour"), v("vehicle_registration")];
  const noCar = v("no_vehicle") === "true" || car.every((part) => !part);
  return {
    mobile: v("mobile"),
    vehicle: noCar ? null : { make: car[0], model: car[1], colour: car[2], registration: car[3] },
  };
}

/** What a new request form starts with for this person. */
export function requestPrefill(details: StaffDetails | null): Record<string, string> {
  if (!details) return {};
  const car = details.vehicle;
  return {
    ...(details.mobile ? { lead_mobile: details.mobile } : {}),
    ...(car
      ? {
          vehicle_make: car.make,
          vehicle_model: car.model,
          vehicle_colour: car.colour,
          vehicle_registration: car.registration,
        }
      : {}),
  };
}

/** Domain paths to this form's field ids. */
export const DETAILS_FIELDS: Record<string, string> = {
  mobile: "mobile",
  "vehicle.make": "vehicle_make",
  "vehicle.model": "vehicle_model",
  "vehicle.colour": "vehicle_colour",
  "vehicle.registration": "vehicle_registration",
};
