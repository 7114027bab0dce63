import type { AllMiddlewareArgs, App, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import type { AppContext } from "../../app/app-context.js";
import { APPROVAL_ACTIONS } from "../../app/messages/approval-card.js";
import { errorText } from "../../app/messages/error-text.js";
import { VISIT_ACTIONS } from "../../app/messages/visit-messages.js";
import { decideOnVisit } from "../../app/use-cases/decide-visit.js";
import { checkInByButton } from "../../app/use-cases/reply-in-thread.js";
import { acknowledgeAlert, confirmStaffSafe } from "../../app/use-cases/respond-to-alert.js";
import { authoriseApprover, decideVisit } from "../../domain/approval.js";
import { DomainError } from "../../domain/domain-error.js";
import { findStaff } from "../../domain/school-directory.js";
import { formatSchoolTime } from "../../domain/school-hours.js";
import type { Actor } from "../../domain/visit.js";
import { normaliseVisitId } from "../../domain/visit-id.js";
import { afterWaitingRequests } from "./ack-first.js";
import { conditionsForm, type DecisionMetadata, declineForm } from "./decision-forms.js";
import { renderForm } from "./modal-view.js";
import { actorFor } from "./slack-actor.js";
import { escapeMrkdwn, SOMETHING_WRONG } from "./slack-text.js";

type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** What a button press does once we know who pressed it and on which visit. */
type ButtonWork = (args: { actor: Actor; visitId: string; press: ButtonArgs }) => Promise<string | null>;

/**
 * The buttons on our cards. Each press is acknowledged at once; the work follows, and the presser is
 * told (ephemerally) whenever nothing else would visibly change, so no button ever seems dead.
 */
export function registerActions(app: App, ctx: AppContext, extra: Record<string, ButtonWork> = {}): void {
  const on = (actionId: string, work: ButtonWork) =>
    app.action<BlockAction<ButtonAction>>(actionId, async (press) => {
      await press.ack();
      await afterWaitingRequests();
      const found = actorFor(ctx, press.body.user.id);
      if (!found.ok) return tell(press, found.text);
      const visitId = press.action.value;
      if (!visitId) return tell(press, "This button is missing its visit id; please use /homevisit status.");
      let text: string | null;
      try {
        text = await work({ actor: found.actor, visitId, press });
      } catch (error) {
        // Never a dead button: say it failed, so nobody believes it worked.
        ctx.log.error(`slack: ${actionId} failed`, { error: String(error), visitId });
        text = SOMETHING_WRONG;
      }
      if (text) await tell(press, text);
    });

  on(APPROVAL_ACTIONS.approve, async ({ actor, visitId }) => {
    const result = await decideOnVisit(ctx, actor, visitId, { outcome: "approve" });
    return result.ok ? null : errorText(result.error);
  });

  const openDecisionModal = (build: (meta: DecisionMetadata) => Parameters<typeof renderForm>[0]): ButtonWork => {
    return async ({ actor, visitId, press }) => {
      const refusal = await decisionRefusal(ctx, actor, visitId);
      if (refusal) return refusal;
      const meta: DecisionMetadata = { visitId: normaliseVisitId(visitId), channel: press.body.channel?.id };
      await press.client.views.open({ trigger_id: press.body.trigger_id, view: renderForm(build(meta)) });
      return null;
    };
  };
  on(APPROVAL_ACTIONS.decline, openDecisionModal(declineForm));
  on(APPROVAL_ACTIONS.conditions, openDecisionModal(conditionsForm));

  on(VISIT_ACTIONS.checkInOk, async ({ actor, visitId }) => {
    const result = await checkInByButton(ctx, actor, visitId);
    if (!result.ok) return errorText(result.error);
    return `Thanks, ${actor.name}: checked in on home visit ${normaliseVisitId(visitId)}.`;
  });

  on(VISIT_ACTIONS.acknowledge, async ({ actor, visitId }) => {
    const result = await acknowledgeAlert(ctx, actor, visitId);
    if (!result.ok) return errorText(result.error);
    const until = result.value.progress.ladder?.acknowledged?.until;
    const pause = until ? ` Escalation is paused until ${timeOf(ctx, until)} and resumes unless the staff check in.` : "";
    return `Noted: you are dealing with home visit ${result.value.id}.${pause}`;
  });

  on(VISIT_ACTIONS.staffSafe, async ({ actor, visitId }) => {
    const result = await confirmStaffSafe(ctx, actor, visitId);
    if (!result.ok) return errorText(result.error);
    return `Noted: the staff on home visit ${result.value.id} are safe. Everyone the alert reached is being told.`;
  });

  for (const [actionId, work] of Object.entries(extra)) on(actionId, work);
}

/**
 * Before opening a decline or conditions modal: refuse at once someone who may not decide, or a
 * visit already decided, rather than after they have typed a reason. The use case checks again.
 */
async function decisionRefusal(ctx: AppContext, actor: Actor, visitId: string): Promise<string | null> {
  const id = normaliseVisitId(visitId);
  const visit = await ctx.store.getVisit(id);
  if (!visit) return errorText(new DomainError("visit-not-found", `There is no home visit ${id}.`));
  const approver = authoriseApprover(visit, findStaff(ctx.directory, actor.staffId), ctx.policy);
  if (!approver.ok) return errorText(approver.error);
  const dryRun = decideVisit(visit, approver.value, { outcome: "approve" }, ctx.policy, ctx.clock.now());
  return dryRun.ok ? null : errorText(dryRun.error);
}

/** An ephemeral answer to the presser: through response_url, or chat.postEphemeral without one. */
export async function tell(press: ButtonArgs, text: string): Promise<void> {
  const { body, respond, client } = press;
  const safe = escapeMrkdwn(text);
  if (body.response_url && respond) {
    await respond({ response_type: "ephemeral", replace_original: false, text: safe });
  } else if (body.channel?.id) {
    await client.chat.postEphemeral({ channel: body.channel.id, user: body.user.id, text: safe });
  }
}

function timeOf(ctx: AppContext, iso: string): string {
  return formatSchoolTime(new Date(iso), ctx.policy.school.timezone).replace(/^.*, /, "");
}

export type { ButtonArgs, ButtonWork };
