import { z } from "zod";
import type { FieldError } from "./domain-error.js";
import { mobile, required, text } from "./form-text.js";
import type { Policy } from "./policy.js";
import { couldBeReply } from "./replies/reply-words.js";
import { describeRoles } from "./roles.js";
import { classifyHours } from "./school-hours.js";
import { instantToSchoolTime } from "./school-wall-clock.js";
import { parseFurtherStops } from "./stops.js";

const staffOnVisit = z.object({
  staffId: z.string().min(1, "choose a member of staff"),
  name: required(80),
  mobile,
});

export const visitRequestSchema = z.object({
  pupil: z.object({
    name: required(100),
    misId: text(40).optional(),
  }),
  address: text(300).min(5, "enter the full address, with postcode"),
  purposeId: z.string().min(1, "choose a purpose"),
  plannedStart: z.coerce.date({ error: "enter a date and time" }),
  durationMinutes: z.coerce
    .number({ error: "enter minutes, e.g. 45" })
    .int()
    .min(5, "at least 5 minutes")
    .max(480, "at most 8 hours"),
  expectedReturn: z.coerce.date({ error: "enter a date and time" }),
  lead: staffOnVisit,
  second: staffOnVisit.nullable().default(null),
  vehicle: z
    .object({
      make: text(40),
      model: text(40),
      colour: text(30),
      registration: text(10).transform((value) => value.toUpperCase().replace(/\s+/g, " ")),
    })
    .nullable()
    .default(null),
  parentsTold: z.boolean(),
  parentNoticeException: z.string().optional(),
  risks: z
    .object({
      animals: z.boolean().default(false),
      history: text(500).optional(),
      area: text(500).optional(),
    })
    .default({ animals: false }),
  outOfHoursJustification: text(500).optional(),
  /** Out of hours, the person who checks on staff instead of the office (a member of staff or not). */
  responsibleContact: z
    .object({ name: required(80), mobile, staffId: z.string().optional() })
    .nullable()
    .default(null),
  codeWord: text(40).optional(),
  /** A day of visits: the homes after the first, in order (see stops.ts). */
  stops: z
    .array(
      z.object({
        time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "use 24-hour HH:MM"),
        pupil: z.object({ name: required(100) }),
        address: text(300).min(5, "enter the full address, with postcode"),
      }),
    )
    .max(11, "at most 12 stops in one outing")
    .default([]),
});

export type VisitRequestInput = z.input<typeof visitRequestSchema>;
export type VisitRequest = z.infer<typeof visitRequestSchema>;
/** What is stored: the request without the code word, which is kept only as a hash. */
export type StoredVisitRequest = Omit<VisitRequest, "codeWord">;

export interface PolicyWarning {
  code:
    | "lone-visit"
    | "lone-visit-dsl-decides"
    | "out-of-hours"
    | "evening"
    | "parents-not-told"
    | "animals"
    | "safeguarding"
    | "approver-on-visit"
    | "overlapping-visit"
    /** From an attendance trigger: day 6 without "eyes on", the visit is not optional. */
    | "must-take-place";
  text: string;
}

export interface RequestAssessment {
  errors: FieldError[];
  warnings: PolicyWarning[];
}

/** Parses raw form values into a request, or returns field errors that say what to fix. */
export function parseVisitRequest(input: unknown): { ok: true; value: VisitRequest } | { ok: false; errors: FieldError[] } {
  const filled = fillLengthOrReturn(input);
  if (!filled.ok) return filled;
  const stops = readFurtherStops(filled.value);
  const parsed = visitRequestSchema.safeParse(stops.value);
  if (parsed.success && stops.errors.length === 0) return { ok: true, value: parsed.data };
  return {
    ok: false,
    errors: [
      ...(parsed.success ? [] : parsed.error.issues.map((issue) => ({ field: issue.path.join("."), message: issue.message }))),
      ...stops.errors,
    ],
  };
}

/** The form's "Further stops" text (`furtherStops`), one a line, into the request's `stops`. */
function readFurtherStops(input: unknown): { value: unknown; errors: FieldError[] } {
  if (!input || typeof input !== "object" || !("furtherStops" in input)) return { value: input, errors: [] };
  const { furtherStops, ...request } = input as Record<string, unknown>;
  if (typeof furtherStops !== "string" || !furtherStops.trim()) return { value: request, errors: [] };
  const parsed = parseFurtherStops(furtherStops);
  return parsed.ok ? { value: { ...request, stops: parsed.value }, errors: [] } : { value: request, errors: parsed.errors };
}

const blank = (value: unknown) => value === undefined || value === null || (typeof value === "string" && !value.trim());

/**
 * People give how long the visit takes or when they will be back, not both: the other follows
 * from the planned start. Given both, both are kept and checked against each other.
 */
function fillLengthOrReturn(input: unknown): { ok: true; value: unknown } | { ok: false; errors: FieldError[] } {
  if (!input || typeof input !== "object") return { ok: true, value: input };
  const request = input as Record<string, unknown>;
  const start = blank(request.plannedStart) ? Number.NaN : new Date(request.plannedStart as string | Date).getTime();
  const noLength = blank(request.durationMinutes);
  const noReturn = blank(request.expectedReturn);
  if (noLength && noReturn)
    return {
      ok: false,
      errors: [{ field: "expectedReturn", message: "give how long the visit takes, or when you will be back at school" }],
    };
  if (Number.isNaN(start)) return { ok: true, value: input };
  if (noReturn)
    return { ok: true, value: { ...request, expectedReturn: new Date(start + Number(request.durationMinutes) * 60_000) } };
  if (noLength) {
    const back = new Date(request.expectedReturn as string | Date).getTime();
    if (Number.isNaN(back)) return { ok: true, value: input };
    const minutes = Math.round((back - start) / 60_000);
    if (minutes < 5)
      return { ok: false, errors: [{ field: "expectedReturn", message: "the return must be after the planned start" }] };
    return { ok: true, value: { ...request, durationMinutes: minutes } };
  }
  return { ok: true, value: input };
}

/**
 * Checks a well-formed request against the school's policy: what it refuses (errors, tied to
 * the field to fix) and what the approver must see (warnings on the approval card).
 */
export function assessRequest(request: VisitRequest, policy: Policy, now: Date): RequestAssessment {
  const errors: FieldError[] = [];
  const warnings: PolicyWarning[] = [];
  const school = policy.school.name;

  const purpose = policy.purposes.find((p) => p.id === request.purposeId);
  if (!purpose) errors.push({ field: "purposeId", message: `choose one of ${school}'s purposes` });
  const dslRoles = policy.approval.safeguardingApproverRoles;
  const joint = purpose?.jointApproval ?? [];
  if (purpose?.safeguarding && joint.length > 0)
    warnings.push({
      code: "safeguarding",
      text: `Safeguarding visit: it needs approval from ${joint.map((roles) => describeRoles(roles)).join(" and ")}.`,
    });
  else if (purpose?.safeguarding && dslRoles.length > 0)
    warnings.push({ code: "safeguarding", text: `Safeguarding visit: only ${describeRoles(dslRoles)} can approve it.` });

  if (request.plannedStart.getTime() < now.getTime() - 15 * 60_000)
    errors.push({ field: "plannedStart", message: "the planned start is in the past; visits are authorised first" });
  const earliestReturn = request.plannedStart.getTime() + request.durationMinutes * 60_000;
  if (request.expectedReturn.getTime() < earliestReturn)
    errors.push({ field: "expectedReturn", message: "the return time must be after the start plus the visit's length" });

  if (request.second && request.second.staffId === request.lead.staffId)
    errors.push({ field: "second.staffId", message: "the second member of staff must be someone else" });
  if (!request.second) {
    if (policy.pairing.rule === "always")
      errors.push({ field: "second.staffId", message: `${school} never makes lone visits: choose a second member of staff` });
    else if (policy.pairing.rule === "advised")
      warnings.push({ code: "lone-visit", text: "Lone visit: the policy advises two staff." });
    else warnings.push({ code: "lone-visit-dsl-decides", text: "Lone visit: the approver decides whether a pair is needed." });
  }

  if (policy.vehicle.required) {
    for (const key of ["make", "model", "colour", "registration"] as const) {
      if (!request.vehicle?.[key]) errors.push({ field: `vehicle.${key}`, message: `${school} must hold the vehicle's ${key}` });
    }
  }

  if (!request.parentsTold) {
    const exception = policy.parentNotice.exceptions.find((e) => e.id === request.parentNoticeException);
    if (policy.parentNotice.required && !exception) {
      errors.push({
        field: "parentNoticeException",
        message: "parents must be told first, unless one of the policy's exceptions applies: choose it",
      });
    } else {
      warnings.push({
        code: "parents-not-told",
        text: `Parents not told in advance${exception ? ` (${exception.label})` : ""}.`,
      });
    }
  }

  const hours = classifyHours(request.plannedStart, policy);
  if (hours !== "school_hours") {
    const rule = hours === "evening" ? policy.hours.evening : policy.hours.outOfHours;
    const label = hours === "evening" ? "an evening visit" : "outside school hours";
    if (rule === "refuse") {
      errors.push({
        field: "plannedStart",
        message: `${school} does not allow visits ${label.replace("an evening visit", "in the evening")}`,
      });
    } else {
      if (rule === "justify" && !request.outOfHoursJustification)
        errors.push({ field: "outOfHoursJustification", message: `say why this visit must be ${label}` });
      if (policy.hours.responsibleContactOutOfHours && !request.responsibleContact)
        errors.push({ field: "responsibleContact.name", message: "name the responsible contact who will check on you" });
      warnings.push({ code: hours === "evening" ? "evening" : "out-of-hours", text: `This visit is ${label}.` });
    }
  }

  if (policy.codeWord.required && !request.codeWord)
    errors.push({ field: "codeWord", message: "set a code word: typing it in the visit thread raises a silent alarm" });
  if (request.codeWord && request.codeWord.length < 4) errors.push({ field: "codeWord", message: "use at least 4 characters" });
  else if (request.codeWord && couldBeReply(request.codeWord))
    errors.push({
      field: "codeWord",
      message: "choose a word you would never type in an ordinary reply (not ok, safe, all good, back, a number…)",
    });

  errors.push(...checkStops(request, policy));

  if (request.risks.animals)
    warnings.push({
      code: "animals",
      text: policy.animals.cancelIfNotSecured
        ? "Animals at the address: they must be secured, or the visit is cancelled."
        : "Animals at the address.",
    });

  return { errors, warnings };
}

/** Further stops: allowed for the purpose, in time order after the first, and before the return. */
function checkStops(request: VisitRequest, policy: Policy): FieldError[] {
  if (request.stops.length === 0) return [];
  const purpose = policy.purposes.find((p) => p.id === request.purposeId);
  const max = purpose?.maxStops ?? 1;
  if (purpose && max <= 1)
    return [{ field: "stops", message: `${purpose.label} visits are one home at a time: leave further stops empty` }];
  if (purpose && request.stops.length + 1 > max)
    return [{ field: "stops", message: `at most ${max} homes in one outing for ${purpose.label}` }];
  const zone = policy.school.timezone;
  const first = instantToSchoolTime(request.plannedStart, zone);
  const back = instantToSchoolTime(request.expectedReturn, zone);
  let previous = first.time;
  const problems: string[] = [];
  request.stops.forEach((stop, index) => {
    if (stop.time <= previous) problems.push(`stop ${index + 2} (${stop.time}) must be after ${previous}`);
    else if (back.date === first.date && stop.time >= back.time)
      problems.push(`stop ${index + 2} (${stop.time}) must be before you are back at school (${back.time})`);
    previous = stop.time;
  });
  return problems.length > 0 ? [{ field: "stops", message: `Further stops: ${problems.join("; ")}` }] : [];
}
