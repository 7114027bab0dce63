import { z } from "zod";

const slug = z.string().regex(/^[a-z][a-z0-9_-]*$/, "use lower case letters, digits, - or _ (e.g. deputy_dsl)");
const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "use 24-hour HH:MM, e.g. 08:30");
const minutes = (max: number) => z.number().int().min(0).max(max);

/**
 * Who is told at an escalation step: `pair` (the visiting staff), `alerts` (the alerts channel),
 * `responsible_contact` (the out-of-hours contact named on the visit), or any staff role
 * from the school directory (e.g. `office`, `headteacher`, `dsl`).
 */
export const notifyTarget = slug;

export const escalationStepSchema = z.object({
  id: slug,
  /** Minutes after the previous step (or after the check-in was missed, for the first step). */
  afterMinutes: minutes(240),
  notify: z.array(notifyTarget).min(1),
  /** What the people told are asked to do, in the school's own words. */
  ask: z.string().min(1).max(500),
  /** Send the emergency pack: names, mobiles, address, vehicle, last check-in. */
  emergencyPack: z.boolean().default(false),
});

/** The attendance keys' defaults, also given to policy snapshots taken before they existed. */
export const ATTENDANCE_DEFAULTS = {
  leadRoles: ["dsl", "attendance_champion"],
  officeRoles: ["office"],
  importRoles: ["dsl", "deputy_dsl", "attendance_champion", "headteacher"],
  cmeReferralPrompt: false,
} as const;

export const policySchema = z
  .object({
    /** Copied onto each visit at approval; editing the policy never changes a visit already running. */
    version: z.string().min(1).max(60),
    school: z.object({
      name: z.string().min(1),
      phone: z.string().optional(),
      email: z.string().optional(),
      timezone: z.string().default("Europe/London"),
    }),
    approval: z.object({
      approverRoles: z.array(slug).min(1),
      /** When the purpose involves safeguarding, one of these roles must approve (e.g. the DSL). */
      safeguardingApproverRoles: z.array(slug).default([]),
      /** Minutes after which an unanswered request reminds the approvers (0 = never). */
      remindAfterMinutes: minutes(24 * 60).default(30),
      /** An approver may approve a visit they requested or are on. Off by default: authorised first, by someone else. */
      allowSelfApproval: z.boolean().default(false),
    }),
    purposes: z
      .array(
        z.object({
          id: slug,
          label: z.string().min(1).max(75),
          safeguarding: z.boolean().default(false),
          /**
           * Approvals this purpose needs from different people, each from one of its roles: e.g.
           * `[headteacher, [dsl, deputy_dsl]]` is the headteacher and the DSL (or deputy). One
           * decline ends the request. Unset: one approval from an approver is enough.
           */
          jointApproval: z
            .array(z.union([slug, z.array(slug).min(1)]))
            .min(2, "a joint approval names at least two sign-offs")
            .transform((groups) => groups.map((group) => (typeof group === "string" ? [group] : group)))
            .optional(),
          /** Homes one outing may take in (a day of Reception induction visits); 1 = one home per visit. */
          maxStops: z.number().int().min(1).max(12).default(1),
        }),
      )
      .min(1),
    pairing: z.object({
      /** always: two staff or no visit; advised: a lone visit is flagged; dsl_decides: the approver decides. */
      rule: z.enum(["always", "advised", "dsl_decides"]),
    }),
    parentNotice: z.object({
      required: z.boolean(),
      /** Reasons a visit may go ahead without telling parents first. */
      exceptions: z.array(z.object({ id: slug, label: z.string().min(1).max(75) })).default([]),
    }),
    hours: z.object({
      schoolDayStart: timeOfDay,
      schoolDayEnd: timeOfDay,
      /** ISO weekdays the school is open: 1 = Monday … 7 = Sunday. */
      schoolDays: z.array(z.number().int().min(1).max(7)).min(1).default([1, 2, 3, 4, 5]),
      /** refuse: the form will not accept it; justify: needs a reason; allow: flagged only. */
      outOfHours: z.enum(["refuse", "justify", "allow"]),
      /** Visits starting at or after this time are evening visits. */
      eveningFrom: timeOfDay.default("18:00"),
      /** Visits starting before this time count as evening (night) visits too. */
      nightEndsAt: timeOfDay.default("06:00"),
      evening: z.enum(["refuse", "justify", "allow"]),
      /** A responsible contact checks on staff out of hours (Ordsall). */
      responsibleContactOutOfHours: z.boolean().default(false),
    }),
    vehicle: z.object({
      /** The office must hold make, model, colour and registration before staff leave. */
      required: z.boolean(),
    }),
    checkIns: z.object({
      intervalMinutes: minutes(240).refine((n) => n >= 5, "check-ins less than 5 minutes apart are not workable"),
      graceMinutes: minutes(60),
      /** A gentle reminder this many minutes before a check-in is due (0 = none). */
      reminderBeforeMinutes: minutes(30).default(0),
    }),
    /**
     * An approved visit nobody has set off on is still watched: at the planned start plus
     * `graceMinutes` the pair are asked whether they have set off; unanswered, the office is told,
     * then the approver; by the expected return the ordinary overdue ladder runs.
     */
    start: z
      .object({
        graceMinutes: minutes(120).default(15),
        officeAfterMinutes: minutes(240).default(10),
        approverAfterMinutes: minutes(240).default(10),
      })
      .default({ graceMinutes: 15, officeAfterMinutes: 10, approverAfterMinutes: 10 }),
    doorstep: z.object({
      waitMinutes: minutes(120),
      /** Longer wait when parents said they are running late; null when the school allows no extension. */
      parentsLateWaitMinutes: minutes(180).nullable(),
    }),
    returnToleranceMinutes: minutes(240),
    codeWord: z.object({
      required: z.boolean().default(true),
    }),
    escalation: z.object({
      /** "I'm calling them" pauses the ladder this long, then it resumes unless resolved. */
      acknowledgePauseMinutes: minutes(120).refine((n) => n > 0, "an acknowledgement must pause for at least 1 minute"),
      steps: z.array(escalationStepSchema).min(1),
      /**
       * After the code word, or a ladder that reached its emergency step, the alarm is sent again
       * this often until someone who is not on the visit takes it ("I'm calling them").
       */
      repeatMinutes: minutes(60)
        .refine((n) => n > 0, "an alarm must repeat at least every 60 minutes")
        .default(5),
      /** The instruction in every emergency pack, e.g. when to call 999. */
      emergencyInstruction: z.string().min(1).max(500),
      /** The instruction in a code-word alert, when it differs from emergencyInstruction. */
      codeWordInstruction: z.string().min(1).max(500).optional(),
      /** Who a code-word alert goes to besides the alerts channel. */
      codeWordNotify: z.array(notifyTarget).min(1),
    }),
    animals: z.object({ cancelIfNotSecured: z.boolean() }),
    /** A day of visits (several homes in one outing): who is sent the whole plan once it is approved. */
    stops: z.object({ planNotify: z.array(slug).default(["office"]) }).default({ planNotify: ["office"] }),
    cancellation: z
      .object({
        /** Roles told when an approved or running visit is cancelled, with the reason. */
        notify: z.array(slug).default(["office"]),
      })
      .default({ notify: ["office"] }),
    attendance: z
      .object({
        noContactDay: z.number().int().min(1).optional(),
        safeAndWellVisitByDay: z.number().int().min(1).optional(),
        mustSeeByDay: z.number().int().min(1).optional(),
        consecutiveUnauthorisedDaysNotify: z.number().int().min(1).optional(),
        /** Tell these roles when nobody answers at the door (a "We called today" card is left). */
        notifyOnNoAnswer: z.array(slug).default([]),
        fallingAttendanceMonthsNotify: z.number().int().min(1).optional(),
        /** Who is sent visit suggestions, must-see, PNAR, CME and falling-attendance reminders. */
        leadRoles: z
          .array(slug)
          .min(1)
          .default([...ATTENDANCE_DEFAULTS.leadRoles]),
        /** Who is told on day 1 to try phone, text and email. */
        officeRoles: z
          .array(slug)
          .min(1)
          .default([...ATTENDANCE_DEFAULTS.officeRoles]),
        /** Who may import the register from chat (`homevisit attendance` with the file). */
        importRoles: z
          .array(slug)
          .min(1)
          .default([...ATTENDANCE_DEFAULTS.importRoles]),
        /** After a visit nobody answered, with the child not seen and still absent: prompt a CME referral. */
        cmeReferralPrompt: z.boolean().default(false),
      })
      .default(() => ({
        notifyOnNoAnswer: [],
        leadRoles: [...ATTENDANCE_DEFAULTS.leadRoles],
        officeRoles: [...ATTENDANCE_DEFAULTS.officeRoles],
        importRoles: [...ATTENDANCE_DEFAULTS.importRoles],
        cmeReferralPrompt: false,
      })),
    records: z.object({
      retentionYears: z.number().int().min(1).max(100),
      /** Remind the lead if the Home Visit Form is still missing after this long… */
      reminderAfterMinutes: minutes(24 * 60).default(60),
      /** …and the DSL after this long. */
      escalateToDslAfterMinutes: minutes(7 * 24 * 60).default(24 * 60),
      weCalledTodayCard: z.boolean().default(false),
      /** Days after the Home Visit Form that the lead is asked whether each agreement was kept (unset: never). */
      followUpAfterDays: z.number().int().min(1).max(90).optional(),
    }),
  })
  .superRefine((policy, ctx) => {
    if (policy.hours.schoolDayStart >= policy.hours.schoolDayEnd) {
      ctx.addIssue({
        code: "custom",
        path: ["hours", "schoolDayEnd"],
        message: "must be after hours.schoolDayStart",
      });
    }
    if (policy.hours.eveningFrom < policy.hours.schoolDayEnd) {
      ctx.addIssue({ code: "custom", path: ["hours", "eveningFrom"], message: "must not be before hours.schoolDayEnd" });
    }
    if (policy.hours.nightEndsAt > policy.hours.schoolDayStart) {
      ctx.addIssue({ code: "custom", path: ["hours", "nightEndsAt"], message: "must not be after hours.schoolDayStart" });
    }
    policy.purposes.forEach((purpose, index) => {
      for (const role of (purpose.jointApproval ?? []).flat())
        if (!policy.approval.approverRoles.includes(role))
          ctx.addIssue({
            code: "custom",
            path: ["purposes", index, "jointApproval"],
            message: `"${role}" must also be in approval.approverRoles, or nobody holding it can approve`,
          });
    });
    const ids = new Set<string>();
    policy.escalation.steps.forEach((step, index) => {
      if (ids.has(step.id))
        ctx.addIssue({ code: "custom", path: ["escalation", "steps", index, "id"], message: "step ids must be unique" });
      ids.add(step.id);
    });
    if (!policy.escalation.steps.some((step) => step.emergencyPack)) {
      ctx.addIssue({
        code: "custom",
        path: ["escalation", "steps"],
        message: "the ladder must end in a step with emergencyPack: true, or nobody is ever given the details",
      });
    }
  });

export type Policy = z.infer<typeof policySchema>;

/**
 * A policy snapshot taken before a key existed, with that key's default: running visits keep the
 * rules they were approved under, and gain only what those rules did not say.
 */
export function withCurrentDefaults(snapshot: Policy): Policy {
  const p = snapshot as Policy & Partial<Record<"start" | "cancellation" | "stops", unknown>>;
  const attendance = snapshot.attendance ?? { notifyOnNoAnswer: [] };
  if (
    p.start &&
    p.cancellation &&
    p.stops &&
    p.escalation.repeatMinutes &&
    p.approval.allowSelfApproval !== undefined &&
    attendance.leadRoles &&
    attendance.cmeReferralPrompt !== undefined
  )
    return snapshot;
  return {
    ...snapshot,
    attendance: {
      ...attendance,
      leadRoles: attendance.leadRoles ?? [...ATTENDANCE_DEFAULTS.leadRoles],
      officeRoles: attendance.officeRoles ?? [...ATTENDANCE_DEFAULTS.officeRoles],
      importRoles: attendance.importRoles ?? [...ATTENDANCE_DEFAULTS.importRoles],
      cmeReferralPrompt: attendance.cmeReferralPrompt ?? false,
    },
    approval: { ...snapshot.approval, allowSelfApproval: snapshot.approval.allowSelfApproval ?? false },
    start: snapshot.start ?? { graceMinutes: 15, officeAfterMinutes: 10, approverAfterMinutes: 10 },
    escalation: { ...snapshot.escalation, repeatMinutes: snapshot.escalation.repeatMinutes || 5 },
    cancellation: snapshot.cancellation ?? { notify: ["office"] },
    stops: snapshot.stops ?? { planNotify: ["office"] },
  };
}
export type EscalationStep = z.infer<typeof escalationStepSchema>;
export type Purpose = Policy["purposes"][number];
