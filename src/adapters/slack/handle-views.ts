import type { App, ViewSubmitAction } from "@slack/bolt";
import { z } from "zod";
import { identify } from "../../app/interactions/identify.js";
import { FORM_IDS, submitForm } from "../../app/interactions/submit-form.js";
import { errorText, SOMETHING_WRONG } from "../../app/messages/error-text.js";
import type { AppContext } from "../../app/ports.js";
import { DomainError } from "../../domain/domain-error.js";
import { errorsForView, inputBlockIds, noticeView, readViewValues, renderForm } from "./modal-view.js";
import { schoolOf } from "./school-middleware.js";

/** A modal's private_metadata: the visit id (older modals carried it as JSON). */
const metadataSchema = z.union([z.object({ visitId: z.string().min(1) }).transform((m) => m.visitId), z.string()]);

function readMetadata(raw: string | undefined): string {
  if (!raw) return "";
  try {
    const parsed = metadataSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : raw;
  } catch {
    return raw;
  }
}

/**
 * Submitted modals. Errors go back under the fields (`response_action: "errors"`); success closes the
 * modal; a refusal replaces it with a notice that says why. A view submitted twice (a second press
 * of Submit while Slack waits, or the same submission at two instances) has one effect.
 */
export function registerViews(app: App, home: AppContext): void {
  for (const formId of FORM_IDS)
    app.view<ViewSubmitAction>(formId, async ({ ack, body, view, context }) => {
      const ctx = schoolOf(context, home);
      const blockIds = inputBlockIds(view);
      const fail = (errors: Record<string, string>) =>
        ack({ response_action: "errors", errors: errorsForView(errors, blockIds) });
      const actor = identify(ctx, "slack", body.user.id);
      if (actor instanceof DomainError) return void (await fail({ _: errorText(actor) }));
      let values: Record<string, string>;
      try {
        values = readViewValues(view.state.values);
      } catch {
        return void (await fail({ _: "Slack sent this form in a shape homevisit does not understand; please try again." }));
      }
      try {
        const result = await submitForm(
          ctx,
          actor,
          { formId, values, metadata: readMetadata(view.private_metadata), onceKey: `slack:view:${view.id}` },
          { confirmByMessage: true },
        );
        if (result.kind === "form" && result.errors) return void (await fail(result.errors));
        if (result.kind === "form") return void (await ack({ response_action: "update", view: renderForm(result.form) }));
        if (result.kind === "refused")
          return void (await ack({ response_action: "update", view: noticeView("Not done", result.text) }));
        await ack();
      } catch (error) {
        ctx.log.error(`slack: ${formId} failed`, { error: String(error) });
        await fail({ _: SOMETHING_WRONG });
      }
    });
}
