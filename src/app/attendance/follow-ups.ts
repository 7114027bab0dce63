import { randomUUID } from "node:crypto";
import { DomainError, type Result } from "../../domain/domain-error.js";
import { findStaff, hasAnyRole } from "../../domain/school-directory.js";
import { type Actor, isOnVisit, type Visit } from "../../domain/visit.js";
import { followUpQuestion, notKeptCard, reminderLetterLines } from "../messages/attendance-follow-ups.js";
import type { NeutralForm, NeutralMessage } from "../messages/neutral-message.js";
import { pageHtml, pagePdf } from "../messages/printable-page.js";
import { requestForm } from "../messages/request-form.js";
import type { AppContext } from "../ports.js";
import type { FollowUpRow } from "./attendance-port.js";
import { directMessage, directMessages } from "./reach-staff.js";

const DAY_MS = 24 * 3600_000;
const SYSTEM = { actorId: "homevisit", actor: "follow-ups", platform: "system" as const };

/**
 * Part of the daily attendance job: each Home Visit Form's agreements become follow-ups due the
 * policy's number of days after it was submitted; those due ask the lead, one card per agreement.
 */
export async function askFollowUps(ctx: AppContext): Promise<number> {
  const days = ctx.policy.records.followUpAfterDays;
  if (!days) return 0;
  const now = ctx.clock.now();
  const store = ctx.store.attendance;
  for (const record of await store.recordsWithoutFollowUps(now)) {
    const list = ((record.form.agreementList as string[] | undefined) ?? []).filter(Boolean);
    if (list.length === 0) continue;
    const dueAt = new Date(record.submittedAt.getTime() + days * DAY_MS);
    await store.inTransaction((tx) =>
      tx.insertFollowUps(
        list.map((agreement, position) => ({ id: randomUUID(), visitId: record.visitId, position, agreement, dueAt })),
      ),
    );
  }
  let asked = 0;
  for (const followUp of await store.dueFollowUps(now)) {
    const visit = await ctx.store.getVisit(followUp.visitId);
    if (!visit) continue;
    await store.inTransaction(async (tx) => {
      await tx.updateFollowUp(followUp.id, { state: "asked", askedAt: now });
      await tx.appendAudit({
        visitId: visit.id,
        at: now,
        ...SYSTEM,
        action: "follow_up_asked",
        detail: { followUp: followUp.id },
      });
      await tx.enqueue([directMessage(ctx, visit.request.lead.staffId, followUpQuestion(visit, followUp), visit.platform)], now);
    });
    asked += 1;
  }
  if (asked > 0) ctx.kick();
  return asked;
}

/** The pair or the attendance leads may answer; the office may also print the letter. */
async function followUpFor(
  ctx: AppContext,
  actor: Actor,
  id: string,
  options: { office?: boolean } = {},
): Promise<Result<{ followUp: FollowUpRow; visit: Visit }>> {
  const followUp = await ctx.store.attendance.getFollowUp(id);
  const visit = followUp ? await ctx.store.getVisit(followUp.visitId) : null;
  if (!followUp || !visit) return { ok: false, error: new DomainError("invalid-request", "This follow-up is no longer kept.") };
  const a = ctx.policy.attendance;
  const roles = options.office ? [...a.leadRoles, ...a.officeRoles] : a.leadRoles;
  if (!isOnVisit(visit, actor.staffId) && !hasAnyRole(findStaff(ctx.directory, actor.staffId), roles))
    return { ok: false, error: new DomainError("not-allowed", "Only the staff who made the visit can answer its follow-up.") };
  return { ok: true, value: { followUp, visit } };
}

/** Kept or not kept, once: audited; "not kept" gives the letter draft (the office gets it too) and a follow-up visit. */
export async function answerFollowUp(ctx: AppContext, actor: Actor, id: string, kept: boolean): Promise<Result<NeutralMessage>> {
  const found = await followUpFor(ctx, actor, id);
  if (!found.ok) return found;
  const { visit } = found.value;
  const now = ctx.clock.now();
  return ctx.store.attendance.inTransaction(async (tx): Promise<Result<NeutralMessage>> => {
    const followUp = await tx.getFollowUpForUpdate(id);
    if (!followUp) return { ok: false, error: new DomainError("invalid-request", "This follow-up is no longer kept.") };
    if (followUp.state === "kept" || followUp.state === "not_kept")
      return {
        ok: false,
        error: new DomainError(
          "already-decided",
          `Already answered by ${followUp.answeredBy ?? "someone"}: ${followUp.state === "kept" ? "kept" : "not kept"}.`,
        ),
      };
    await tx.updateFollowUp(id, { state: kept ? "kept" : "not_kept", answeredAt: now, answeredBy: actor.name });
    await tx.appendAudit({
      visitId: visit.id,
      at: now,
      actorId: actor.staffId,
      actor: actor.name,
      platform: actor.platform,
      action: kept ? "follow_up_kept" : "follow_up_not_kept",
      detail: { followUp: id },
    });
    if (kept)
      return {
        ok: true,
        value: {
          text: "Agreement kept",
          blocks: [{ type: "text", text: `*Kept* (said by ${actor.name}): “${followUp.agreement}”.` }],
        },
      };
    const card = notKeptCard(visit, followUp, ctx.policy.school.name, actor.name);
    await tx.enqueue(
      directMessages(ctx, ctx.policy.attendance.officeRoles, {
        ...card,
        blocks: card.blocks.filter((b) => b.type !== "actions"),
      }),
      now,
    );
    return { ok: true, value: card };
  });
}

/** The reminder letter as a printable page behind short-lived links. */
export async function printReminderLetter(ctx: AppContext, actor: Actor, id: string): Promise<Result<NeutralMessage>> {
  const found = await followUpFor(ctx, actor, id, { office: true });
  if (!found.ok) return found;
  const { followUp, visit } = found.value;
  const page = { title: "Reminder", lines: reminderLetterLines(visit, followUp, ctx.policy.school.name) };
  const audit = { visitId: visit.id, actorId: actor.staffId, actor: actor.name, platform: actor.platform };
  const html = ctx.downloads.publish(`reminder-${visit.id}.html`, "text/html; charset=utf-8", pageHtml(page), audit, {
    inline: true,
  });
  const pdf = ctx.downloads.publish(`reminder-${visit.id}.pdf`, "application/pdf", await pagePdf(page), audit, { inline: true });
  return {
    ok: true,
    value: {
      text: `Reminder letter for home visit ${visit.id}: printable for 15 minutes`,
      blocks: [
        { type: "text", text: `Reminder letter for home visit ${visit.id}.` },
        {
          type: "actions",
          actions: [
            { id: "letter_html", label: "Open to print (HTML)", value: "html", url: html },
            { id: "letter_pdf", label: "PDF", value: "pdf", url: pdf },
          ],
        },
      ],
    },
  };
}

/** "Request a follow-up visit": the request form with the same pupil and address, purpose follow-up. */
export async function followUpVisitForm(ctx: AppContext, actor: Actor, id: string): Promise<Result<NeutralForm>> {
  const found = await followUpFor(ctx, actor, id);
  if (!found.ok) return found;
  const { visit, followUp } = found.value;
  const base = requestForm(ctx.policy, ctx.directory, actor.staffId);
  const purposes = ctx.policy.purposes.map((p) => p.id);
  const initial: Record<string, string> = {
    pupil_name: visit.request.pupil.name,
    pupil_mis: visit.request.pupil.misId ?? "",
    address: visit.request.address,
    purpose: ["attendance_follow_up", "attendance"].find((p) => purposes.includes(p)) ?? purposes[0] ?? "",
    risk_history: `Follow-up of home visit ${visit.id}: agreement not kept ("${followUp.agreement.slice(0, 200)}").`,
  };
  return {
    ok: true,
    value: {
      ...base,
      intro: `Follow-up visit: the agreement from home visit ${visit.id} was not kept.`,
      fields: base.fields.map((field) => (initial[field.id] ? { ...field, initial: initial[field.id] } : field)),
    },
  };
}
