import type { AllMiddlewareArgs, App, SlackViewMiddlewareArgs, ViewSubmitAction } from "@slack/bolt";
import type { AppContext } from "../../app/app-context.js";
import { errorText } from "../../app/messages/error-text.js";
import { formToRequest, REQUEST_FORM_ID, toFormErrors } from "../../app/messages/request-form.js";
import { visitLabel } from "../../app/messages/visit-details.js";
import { notice } from "../../app/messages/visit-messages.js";
import { decideOnVisit } from "../../app/use-cases/decide-visit.js";
import { requestVisit } from "../../app/use-cases/request-visit.js";
import type { DecisionInput } from "../../domain/approval.js";
import type { Actor, Visit } from "../../domain/visit.js";
import { CONDITIONS_FORM_ID, DECLINE_FORM_ID, type DecisionMetadata, readDecisionMetadata } from "./decision-forms.js";
import { errorsForView, inputBlockIds, noticeView, readViewValues } from "./modal-view.js";
import { SeenEvents } from "./seen-events.js";
import { actorFor } from "./slack-actor.js";
import { SOMETHING_WRONG } from "./slack-text.js";

export type SubmitArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/** What a submitted modal does with its values; returns field errors, a notice, or nothing (close). */
export type SubmitWork = (args: {
  actor: Actor;
  values: Record<string, string>;
  submit: SubmitArgs;
}) => Promise<{ errors: Record<string, string> } | { notice: string; title: string } | null>;

/**
 * Submitted modals: the request form, and the decline / conditions modals behind the card's
 * buttons. Errors go back under the fields (`response_action: "errors"`); success closes the modal.
 */
export function registerViews(app: App, ctx: AppContext, extra: Record<string, SubmitWork> = {}): void {
  const on = (callbackId: string, work: SubmitWork) =>
    app.view<ViewSubmitAction>(callbackId, async (submit) => {
      const blockIds = inputBlockIds(submit.view);
      const fail = (errors: Record<string, string>) =>
        submit.ack({ response_action: "errors", errors: errorsForView(errors, blockIds) });
      const found = actorFor(ctx, submit.body.user.id);
      if (!found.ok) return void (await fail({ _: found.text }));
      let values: Record<string, string>;
      try {
        values = readViewValues(submit.view.state.values);
      } catch {
        return void (await fail({ _: "Slack sent this form in a shape homevisit does not understand; please try again." }));
      }
      let outcome: Awaited<ReturnType<SubmitWork>>;
      try {
        outcome = await work({ actor: found.actor, values, submit });
      } catch (error) {
        ctx.log.error(`slack: ${callbackId} failed`, { error: String(error) });
        return void (await fail({ _: SOMETHING_WRONG }));
      }
      if (!outcome) return void (await submit.ack());
      if ("errors" in outcome) return void (await fail(outcome.errors));
      await submit.ack({ response_action: "update", view: noticeView(outcome.title, outcome.notice) });
    });

  // Slack keeps a modal open when our answer is slow, and a second press of Submit would make a
  // second visit: a view is submitted once, unless its first submission failed.
  const submitted = new SeenEvents(2000);
  on(REQUEST_FORM_ID, async ({ actor, values, submit }) => {
    const viewId = submit.view.id;
    if (viewId && !submitted.firstTime(viewId)) return null;
    let outcome: Awaited<ReturnType<typeof requestVisit>>;
    try {
      outcome = await requestVisit(ctx, actor, formToRequest(values, actor.staffId, ctx.directory));
    } catch (error) {
      if (viewId) submitted.forget(viewId);
      throw error;
    }
    if (!outcome.ok) {
      if (viewId) submitted.forget(viewId);
      return { errors: toFormErrors(outcome.errors) };
    }
    return null;
  });

  const decide = (field: string, read: (values: Record<string, string>) => DecisionInput | { error: string }): SubmitWork => {
    return async ({ actor, values, submit }) => {
      const meta: DecisionMetadata | null = readDecisionMetadata(submit.view.private_metadata);
      if (!meta) return { errors: { [field]: "This form has expired: press the button on the card again." } };
      const input = read(values);
      if ("error" in input) return { errors: { [field]: input.error } };
      const result = await decideOnVisit(ctx, actor, meta.visitId, input);
      if (result.ok) return null;
      if (result.error.code === "invalid-request") return { errors: { [field]: errorText(result.error) } };
      return { title: "Not done", notice: errorText(result.error) };
    };
  };

  on(
    DECLINE_FORM_ID,
    decide("reason", (values) => {
      const reason = values.reason?.trim();
      return reason ? { outcome: "decline", reason } : { error: "Give a reason for declining." };
    }),
  );

  on(
    CONDITIONS_FORM_ID,
    decide("require_pair", (values) => {
      const requirePair = values.require_pair === "true";
      const policeAccompaniment = values.police === "true";
      const note = values.note?.trim();
      if (!requirePair && !policeAccompaniment && !note)
        return { error: "Choose or write at least one condition; to approve without conditions, press Approve." };
      return { outcome: "conditions", conditions: { requirePair, policeAccompaniment, ...(note ? { note } : {}) } };
    }),
  );

  for (const [callbackId, work] of Object.entries(extra)) on(callbackId, work);
}
