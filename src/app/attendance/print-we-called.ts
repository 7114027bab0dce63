import { DomainError, type Result } from "../../domain/domain-error.js";
import type { Actor } from "../../domain/visit.js";
import { normaliseVisitId } from "../../domain/visit-id.js";
import type { NeutralMessage } from "../messages/neutral-message.js";
import { pageHtml, pagePdf } from "../messages/printable-page.js";
import { weCalledTodayLines } from "../messages/we-called-today.js";
import type { AppContext } from "../ports.js";
import { mayReadRecord } from "../records-access.js";

/**
 * The printable "We called today" card: HTML and PDF behind two short-lived, audited links, for
 * the pair (and those who may read the visit's record); the printing is recorded on the visit.
 */
export async function printWeCalledCard(ctx: AppContext, actor: Actor, visitId: string): Promise<Result<NeutralMessage>> {
  const visit = await ctx.store.getVisit(normaliseVisitId(visitId));
  if (!visit)
    return { ok: false, error: new DomainError("visit-not-found", `There is no home visit ${normaliseVisitId(visitId)}.`) };
  if (!mayReadRecord(ctx.directory, visit, actor.staffId))
    return { ok: false, error: new DomainError("not-allowed", "Only the staff on this visit can print its card.") };
  const at = new Date(visit.progress.weCalledCard?.at ?? ctx.clock.now());
  const page = { title: "SORRY WE MISSED YOU!", lines: weCalledTodayLines(visit, at).slice(2) };
  const audit = { visitId: visit.id, actorId: actor.staffId, actor: actor.name, platform: actor.platform };
  const html = ctx.downloads.publish(`we-called-today-${visit.id}.html`, "text/html; charset=utf-8", pageHtml(page), audit, {
    inline: true,
  });
  const pdf = ctx.downloads.publish(`we-called-today-${visit.id}.pdf`, "application/pdf", await pagePdf(page), audit, {
    inline: true,
  });
  await ctx.store.appendAudit({ at: ctx.clock.now(), ...audit, action: "we_called_card_printed" });
  return {
    ok: true,
    value: {
      text: `"We called today" card for home visit ${visit.id}: printable for 15 minutes`,
      blocks: [
        { type: "text", text: `Printable "We called today" card for home visit ${visit.id}.` },
        {
          type: "actions",
          actions: [
            { id: "we_called_html", label: "Open to print (HTML)", value: "html", url: html },
            { id: "we_called_pdf", label: "PDF", value: "pdf", url: pdf },
          ],
        },
        { type: "context", text: "The links work for 15 minutes; opening them is recorded." },
      ],
    },
  };
}
