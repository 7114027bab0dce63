import { z } from "zod";
import type { FieldError } from "./domain-error.js";

const time = z
  .string()
  .trim()
  .regex(/^([01]?\d|2[0-3]):[0-5]\d$/, "use 24-hour HH:MM, e.g. 14:05")
  .optional()
  .or(z.literal("").transform(() => undefined));
const longText = (label: string) => z.string().trim().max(2000, `keep ${label} under 2000 characters`);
const yesNo = z.enum(["yes", "no"], { error: "choose yes or no" });

/** The Home Visit Form: factual, dated, signed by whoever submitted it. */
export const visitRecordSchema = z
  .object({
    times: z.object({
      leftSchool: time,
      arrived: time,
      entered: time,
      leftAddress: time,
      back: time,
    }),
    present: longText("who was present").min(1, "say who was present (adults with parental responsibility, others)"),
    childSeen: yesNo,
    safeAndWell: z.enum(["yes", "no", "unsure"], { error: "choose yes, no or unsure" }),
    discussed: longText("what was discussed").min(1, "say what was discussed"),
    agreements: longText("agreements").optional(),
    /** The agreements one by one (a line each on the form), each followed up where the policy says. */
    agreementList: z
      .array(z.string().trim().min(1).max(500, "keep each agreement under 500 characters"))
      .max(20, "at most 20 agreements")
      .default([]),
    voiceOfChild: longText("the voice of the child").optional(),
    concerns: longText("concerns").optional(),
    safeguardingConcern: z.boolean().default(false),
    actions: longText("actions").optional(),
    furtherVisitDate: z
      .string()
      .trim()
      .regex(/^\d{4}-\d{2}-\d{2}$/, "use a date like 2026-12-01")
      .optional()
      .or(z.literal("").transform(() => undefined)),
    reminderLetter: z.boolean().default(false),
    referral: z.boolean().default(false),
    weCalledCardLeft: z.boolean().default(false),
    weCalledCardTime: time,
    incident: longText("the incident").optional(),
  })
  .superRefine((record, ctx) => {
    const order = ["leftSchool", "arrived", "entered", "leftAddress", "back"] as const;
    let previous: { key: string; value: string } | null = null;
    for (const key of order) {
      const value = record.times[key];
      if (!value) continue;
      const padded = value.padStart(5, "0");
      if (previous && padded < previous.value)
        ctx.addIssue({ code: "custom", path: ["times", key], message: `must not be before ${labels[previous.key]}` });
      previous = { key, value: padded };
    }
    if (record.safeguardingConcern && !record.concerns)
      ctx.addIssue({ code: "custom", path: ["concerns"], message: "describe the safeguarding concern for the DSL" });
    if (record.weCalledCardLeft && !record.weCalledCardTime)
      ctx.addIssue({ code: "custom", path: ["weCalledCardTime"], message: "say when the card was left" });
  });

const labels: Record<string, string> = {
  leftSchool: "the time you left school",
  arrived: "the time you arrived",
  entered: "the time you went in",
  leftAddress: "the time you left",
  back: "the time you were back",
};

export type VisitRecordForm = z.infer<typeof visitRecordSchema>;

export function parseVisitRecord(input: unknown): { ok: true; value: VisitRecordForm } | { ok: false; errors: FieldError[] } {
  const parsed = visitRecordSchema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, errors: parsed.error.issues.map((issue) => ({ field: issue.path.join("."), message: issue.message })) };
}
