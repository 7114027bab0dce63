import { schoolDay } from "../../daily-jobs.js";
import type { RegisterDay } from "../../domain/attendance/episodes.js";
import { type DueTrigger, stillNotSeen, triggersDue } from "../../domain/attendance/triggers-due.js";
import type { Visit } from "../../domain/visit.js";
import { triggerCard } from "../messages/attendance-triggers.js";
import type { AppContext } from "../ports.js";
import type { StoredPupil, TriggerRow } from "./attendance-port.js";
import { cmeCandidates } from "./cme-candidates.js";
import { directMessages } from "./reach-staff.js";

export interface Evaluation {
  fired: TriggerRow[];
  reminded: number;
  resolved: number;
}

const SYSTEM = { actorId: "homevisit", actor: "attendance triggers", platform: "system" as const };

/**
 * The scheduled look at the register (and after each import): every trigger the policy sets that is
 * due fires once per pupil and episode (the database's unique key decides, across restarts and
 * instances), is audited, and tells whom the policy names; a must-see trigger reminds each school day
 * until a visit is recorded, the child is seen, or someone dismisses it.
 */
export async function evaluateTriggers(ctx: AppContext): Promise<Evaluation> {
  const store = ctx.store.attendance;
  const latest = await store.latestDay();
  if (!latest) return { fired: [], reminded: 0, resolved: 0 };
  const today = schoolDay(ctx.clock.now(), ctx.policy.school.timezone);
  const registers = await store.registerSince(since(latest, ctx.policy.attendance.fallingAttendanceMonthsNotify ?? 0));
  const due: { pupilId: string; trigger: DueTrigger }[] = [];
  for (const [pupilId, days] of registers)
    for (const trigger of triggersDue(ctx.policy.attendance, days, latest, today.slice(0, 7))) due.push({ pupilId, trigger });
  if (ctx.policy.attendance.cmeReferralPrompt) due.push(...(await cmeCandidates(ctx, registers, latest)));

  const known = new Set((await store.listTriggers({})).map((t) => `${t.pupilId}|${t.kind}|${t.episode}`));
  const fresh = due.filter(({ pupilId, trigger }) => !known.has(`${pupilId}|${trigger.kind}|${trigger.episode}`));
  const fired = await fire(ctx, fresh, today);
  const { reminded, resolved } = await remindMustSee(ctx, registers, latest, today);
  if (fired.length > 0 || reminded > 0) ctx.kick();
  return { fired, reminded, resolved };
}

/** The register needed: enough months back for falling attendance, and a term for absence runs. */
function since(latest: string, fallingMonths: number): string {
  const date = new Date(`${latest}T12:00:00Z`);
  date.setUTCDate(1);
  date.setUTCMonth(date.getUTCMonth() - Math.max(fallingMonths + 1, 4));
  return date.toISOString().slice(0, 10);
}

async function fire(ctx: AppContext, due: readonly { pupilId: string; trigger: DueTrigger }[], today: string) {
  if (due.length === 0) return [];
  const pupils = await ctx.store.attendance.listPupils([...new Set(due.map((d) => d.pupilId))]);
  const now = ctx.clock.now();
  // One transaction for the lot: each row is still fired once (the unique key), and its message and
  // audit entry are written with it or not at all.
  return ctx.store.attendance.inTransaction(async (tx) => {
    const fired: TriggerRow[] = [];
    for (const { pupilId, trigger } of due) {
      const pupil = pupils.get(pupilId);
      if (!pupil) continue;
      const inserted = await tx.insertTrigger({
        pupilId,
        kind: trigger.kind,
        episode: trigger.episode,
        firedAt: now,
        remindedOn: trigger.kind === "must_see" ? today : null,
        detail: { days: trigger.days, ...(trigger.months ? { months: trigger.months } : {}), ...visitOf(trigger) },
      });
      if (!inserted) continue;
      await tx.appendAudit({
        visitId: null,
        at: now,
        ...SYSTEM,
        action: "attendance_trigger_fired",
        detail: { trigger: inserted.id, kind: inserted.kind },
      });
      await tx.enqueue(messagesFor(ctx, inserted, pupil), now);
      fired.push(inserted);
    }
    return fired;
  });
}

/** A CME trigger names the visit nobody answered at. */
function visitOf(trigger: DueTrigger & { visitId?: string; visitDay?: string }) {
  return trigger.visitId ? { visitId: trigger.visitId, visitDay: trigger.visitDay } : {};
}

function messagesFor(ctx: AppContext, trigger: TriggerRow, pupil: StoredPupil, reminder = false) {
  const roles = trigger.kind === "no_contact" ? ctx.policy.attendance.officeRoles : ctx.policy.attendance.leadRoles;
  const card = triggerCard(trigger, pupil, { mustSeeByDay: ctx.policy.attendance.mustSeeByDay, reminder });
  return directMessages(ctx, roles, card);
}

/** Each school day, an open must-see trigger reminds once; a recorded visit or the child back ends it. */
async function remindMustSee(ctx: AppContext, registers: Map<string, RegisterDay[]>, latest: string, today: string) {
  let reminded = 0;
  let resolved = 0;
  const schoolDayToday = ctx.policy.hours.schoolDays.includes(isoWeekday(today));
  for (const trigger of await ctx.store.attendance.listTriggers({ state: "open", kind: "must_see" })) {
    const seen = !stillNotSeen(registers.get(trigger.pupilId) ?? [], latest, trigger.episode);
    const visited = !seen && (await visitRecordedSince(ctx, trigger.pupilId, trigger.episode));
    const now = ctx.clock.now();
    if (seen || visited) {
      await ctx.store.attendance.inTransaction(async (tx) => {
        await tx.updateTrigger(trigger.id, { state: "resolved", ...(visited ? { visitId: visited.id } : {}) });
        await tx.appendAudit({
          visitId: visited ? visited.id : null,
          at: now,
          ...SYSTEM,
          action: "attendance_trigger_resolved",
          detail: { trigger: trigger.id, by: visited ? "visit_recorded" : "child_seen" },
        });
      });
      resolved += 1;
      continue;
    }
    if (!schoolDayToday || (trigger.remindedOn ?? "") >= today) continue;
    const pupil = await ctx.store.attendance.getPupil(trigger.pupilId);
    if (!pupil) continue;
    const current = {
      ...trigger,
      detail: { ...trigger.detail, days: currentDays(registers.get(trigger.pupilId) ?? [], trigger.episode) },
    };
    await ctx.store.attendance.inTransaction(async (tx) => {
      await tx.updateTrigger(trigger.id, { remindedOn: today });
      await tx.appendAudit({
        visitId: null,
        at: now,
        ...SYSTEM,
        action: "attendance_trigger_reminded",
        detail: { trigger: trigger.id },
      });
      await tx.enqueue(messagesFor(ctx, current, pupil, true), now);
    });
    reminded += 1;
  }
  return { reminded, resolved };
}

function currentDays(days: readonly RegisterDay[], episode: string): string[] {
  return days.filter((d) => d.day >= episode && d.kind !== "not_required").map((d) => d.day);
}

/** A visit to this pupil (by MIS id) since the episode began, with its Home Visit Form in. */
export async function visitRecordedSince(ctx: AppContext, pupilId: string, day: string): Promise<Visit | undefined> {
  const visits = await ctx.store.listVisits({ from: new Date(`${day}T00:00:00Z`), limit: 1000 });
  return visits.find((visit) => visit.hasRecord && visit.request.pupil.misId?.trim() === pupilId);
}

function isoWeekday(day: string): number {
  const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
  return weekday === 0 ? 7 : weekday;
}
