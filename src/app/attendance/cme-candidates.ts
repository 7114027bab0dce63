import { schoolDay } from "../../daily-jobs.js";
import { currentAbsence, type RegisterDay } from "../../domain/attendance/episodes.js";
import type { DueTrigger } from "../../domain/attendance/triggers-due.js";
import type { AppContext } from "../ports.js";

const LOOK_BACK_DAYS = 30;

/**
 * Visits of the last month where nobody answered and the child was not seen, whose pupil is still
 * not seen since: their whereabouts are unknown (the Lincolnshire policy's CME referral point).
 */
export async function cmeCandidates(
  ctx: AppContext,
  registers: Map<string, RegisterDay[]>,
  latest: string,
): Promise<{ pupilId: string; trigger: DueTrigger & { visitId: string; visitDay: string } }[]> {
  const from = new Date(ctx.clock.now().getTime() - LOOK_BACK_DAYS * 24 * 3600_000);
  const out: { pupilId: string; trigger: DueTrigger & { visitId: string; visitDay: string } }[] = [];
  for (const visit of await ctx.store.listVisits({ from, limit: 2000 })) {
    const pupilId = visit.request.pupil.misId?.trim();
    if (!pupilId || !visit.hasRecord || !registers.has(pupilId)) continue;
    const noAnswer = !!visit.progress.doorstep?.noAnswer || !!visit.progress.weCalledCard;
    const record = (await ctx.store.listRecords(visit.id)).at(-1)?.form as
      | { childSeen?: string; weCalledCardLeft?: boolean }
      | undefined;
    if (record?.childSeen !== "no" || !(noAnswer || record.weCalledCardLeft)) continue;
    const visitDay = schoolDay(visit.request.plannedStart, visit.policy.school.timezone);
    const notSeen = currentAbsence(registers.get(pupilId) ?? [], latest).notSeen.days;
    if (!notSeen.some((day) => day > visitDay)) continue;
    out.push({
      pupilId,
      trigger: { kind: "cme", episode: visit.id, days: notSeen.filter((d) => d >= visitDay), visitId: visit.id, visitDay },
    });
  }
  return out;
}
