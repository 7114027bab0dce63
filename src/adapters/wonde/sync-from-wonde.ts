import { z } from "zod";
import { type RegisterSource, type SourcedRegister, type SyncReport, syncRegister } from "../../app/attendance/sync-register.js";
import type { AppContext } from "../../app/ports.js";
import { classifyMark, DFE_CODES, dayKind, type MarkKind, normaliseCode } from "../../domain/attendance/mark-codes.js";
import type { ParsedDay, ParsedPupil } from "../../domain/attendance/parse-register.js";
import { readDate } from "../../domain/attendance/parse-register.js";
import { mappingCodes } from "../../domain/attendance/register-mapping.js";
import { type FetchOptions, fetchAll, type WondeSettings } from "./wonde-client.js";

/** Wonde's student, as far as homevisit reads it (the MIS id, the names, the home address). */
const studentSchema = z.looseObject({
  id: z.string(),
  mis_id: z.string().nullish(),
  forename: z.string().nullish(),
  surname: z.string().nullish(),
  contact_details: z
    .looseObject({
      data: z
        .looseObject({ addresses: z.looseObject({ home: z.record(z.string(), z.unknown()).nullish() }).nullish() })
        .nullish(),
    })
    .nullish(),
});

/**
 * A session attendance mark (`attendance/session`, with `include=attendance_code`). The names are
 * Wonde's own, as its client library (wondeltd/php-client, SessionAttendanceRecord) has them: a
 * student id, a `session` of AM or PM, a Y-m-d `date` (Wonde wraps dates in `{ date, timezone }`
 * objects), and the attendance code as an included relation (`{ data: { code } }`).
 */
const markSchema = z.looseObject({
  student: z.string(),
  session: z.string(),
  date: z.union([z.string(), z.looseObject({ date: z.string() })]),
  attendance_code: z.union([z.string(), z.looseObject({ data: z.looseObject({ code: z.string() }) })]).nullish(),
});

type Codes = typeof DFE_CODES;

const ADDRESS_KEYS = ["house_number", "house_name", "apartment", "street", "district", "town", "county", "postcode"];

/**
 * Wonde as a register source: its students and session marks, parsed at the edge. Marks with a
 * code the mapping does not know are skipped and counted.
 */
export function wondeSource(settings: WondeSettings, codes: Codes, options: FetchOptions = {}): RegisterSource {
  return { name: "wonde", read: (since) => readFromWonde(settings, codes, since, options) };
}

/** Pulls the register from Wonde and saves it (src/app/attendance/sync-register.ts). */
export function syncFromWonde(ctx: AppContext, settings: WondeSettings, options: FetchOptions = {}): Promise<SyncReport> {
  const codes = ctx.registerMapping ? mappingCodes(ctx.registerMapping) : DFE_CODES;
  return syncRegister(ctx, wondeSource(settings, codes, options));
}

async function readFromWonde(
  settings: WondeSettings,
  codes: Codes,
  last: Date | null,
  options: FetchOptions,
): Promise<SourcedRegister> {
  const students = (await fetchAll(settings, "students", { include: "contact_details", per_page: "200" }, options)).flatMap(
    (raw) => {
      const parsed = studentSchema.safeParse(raw);
      return parsed.success ? [parsed.data] : [];
    },
  );
  const since: Record<string, string> = last ? { updated_after: wondeTime(last) } : {};
  const marks = await fetchAll(
    settings,
    "attendance/session",
    { include: "attendance_code", per_page: "200", ...since },
    options,
  );

  const byWondeId = new Map<string, ParsedPupil>();
  for (const s of students) {
    const pupilId = s.mis_id?.trim() || s.id;
    const home = s.contact_details?.data?.addresses?.home ?? {};
    const address = ADDRESS_KEYS.map((key) => String(home[key] ?? "").trim())
      .filter(Boolean)
      .join(", ");
    byWondeId.set(s.id, {
      pupilId,
      name: [s.forename, s.surname].filter(Boolean).join(" ") || pupilId,
      ...(address ? { address } : {}),
    });
  }
  const days = new Map<string, { pupilId: string; day: string; am: string | null; pm: string | null }>();
  let skipped = 0;
  for (const raw of marks) {
    const mark = markSchema.safeParse(raw);
    const pupil = mark.success ? byWondeId.get(mark.data.student) : undefined;
    const code = mark.success ? codeOf(mark.data.attendance_code) : "";
    const day = mark.success
      ? readDate(typeof mark.data.date === "string" ? mark.data.date : mark.data.date.date, "YYYY-MM-DD")
      : null;
    if (!mark.success || !pupil || !day || !code || classifyMark(code, codes) === null) {
      skipped += 1;
      continue;
    }
    const key = `${pupil.pupilId} ${day}`;
    const entry = days.get(key) ?? { pupilId: pupil.pupilId, day, am: null, pm: null };
    entry[mark.data.session.toUpperCase().startsWith("P") ? "pm" : "am"] = normaliseCode(code);
    days.set(key, entry);
  }
  const parsedDays: ParsedDay[] = [...days.values()].map((d) => ({
    ...d,
    kind: dayKind([d.am, d.pm].flatMap((c) => (c ? [classifyMark(c, codes) as MarkKind] : []))),
  }));
  return { pupils: [...byWondeId.values()], days: parsedDays, skipped };
}

function codeOf(code: z.infer<typeof markSchema>["attendance_code"]): string {
  if (!code) return "";
  return typeof code === "string" ? code : code.data.code;
}

/** Wonde's filter format: "2026-11-24 10:00:00". */
function wondeTime(at: Date): string {
  return at.toISOString().slice(0, 19).replace("T", " ");
}
