import type { types } from "@slack/bolt";
import { z } from "zod";
import type { FormField, NeutralForm } from "../../app/messages/neutral-message.js";
import { chunk, escapeMrkdwn, LIMITS, truncate } from "./slack-text.js";

type KnownBlock = types.KnownBlock;
type ModalView = types.ModalView;
type Option = types.PlainTextOption;

/**
 * A neutral form as a Slack modal: one input block per field, with block_id and action_id both the
 * field's id, so `response_action: "errors"` can be keyed by field id.
 */
export function renderForm(form: NeutralForm): ModalView {
  const blocks: KnownBlock[] = [];
  if (form.intro) blocks.push({ type: "section", text: { type: "mrkdwn", text: truncate(escapeMrkdwn(form.intro), 3000) } });
  for (const field of form.fields) {
    const block = inputBlock(field);
    if (block) blocks.push(block);
  }
  return {
    type: "modal",
    callback_id: form.id,
    private_metadata: form.metadata ?? "",
    title: plain(truncate(form.title, LIMITS.modalTitle)),
    submit: plain(truncate(form.submitLabel, LIMITS.modalTitle)),
    close: plain("Cancel"),
    blocks: blocks.slice(0, LIMITS.blocksPerModal),
  };
}

/** A view that only says something, with a Close button (e.g. "already decided"). */
export function noticeView(title: string, text: string): ModalView {
  return {
    type: "modal",
    title: plain(truncate(title, LIMITS.modalTitle)),
    close: plain("Close"),
    blocks: [{ type: "section", text: { type: "mrkdwn", text: truncate(escapeMrkdwn(text), 3000) } }],
  };
}

function inputBlock(field: FormField): KnownBlock | null {
  const element = inputElement(field);
  if (!element) return null;
  return {
    type: "input",
    block_id: field.id,
    label: plain(truncate(field.label, LIMITS.label)),
    optional: !field.required,
    ...(field.hint ? { hint: plain(truncate(field.hint, LIMITS.hint)) } : {}),
    element,
  } as KnownBlock;
}

function inputElement(field: FormField): types.InputBlockElement | null {
  const action_id = field.id;
  switch (field.kind) {
    case "text":
    case "textarea":
      return {
        type: "plain_text_input",
        action_id,
        ...(field.kind === "textarea" ? { multiline: true } : {}),
        ...(field.maxLength ? { max_length: Math.min(field.maxLength, 3000) } : {}),
        ...(field.initial ? { initial_value: field.initial } : {}),
      };
    case "number":
      return {
        type: "number_input",
        action_id,
        is_decimal_allowed: false,
        ...(field.initial && /^-?\d+$/.test(field.initial) ? { initial_value: field.initial } : {}),
      };
    case "date":
      return { type: "datepicker", action_id, ...(field.initial ? { initial_date: field.initial } : {}) };
    case "time":
      return { type: "timepicker", action_id, ...(field.initial ? { initial_time: field.initial } : {}) };
    case "datetime": {
      const initial = field.initial ? Math.floor(new Date(field.initial).getTime() / 1000) : Number.NaN;
      return { type: "datetimepicker", action_id, ...(Number.isFinite(initial) ? { initial_date_time: initial } : {}) };
    }
    case "checkbox": {
      const option: Option = { text: plain("Yes"), value: "true" };
      return {
        type: "checkboxes",
        action_id,
        options: [option],
        ...(field.initial === "true" ? { initial_options: [option] } : {}),
      };
    }
    case "select":
    case "staff": {
      const options = (field.options ?? []).map(
        (o): Option => ({ text: plain(truncate(o.label, LIMITS.optionText)), value: o.value.slice(0, 150) }),
      );
      if (options.length === 0) return null;
      const initial = options.find((o) => o.value === field.initial);
      const placeholder = plain(field.kind === "staff" ? "Choose a member of staff" : "Choose…");
      // A select holds 100 options; a bigger staff list goes into groups of 100 (up to 10,000).
      const choices =
        options.length <= LIMITS.optionsPerSelect
          ? { options }
          : {
              option_groups: chunk(options, LIMITS.optionsPerSelect).map((group) => ({
                label: plain(truncate(`${group[0]?.text.text ?? ""} – ${group[group.length - 1]?.text.text ?? ""}`, 75)),
                options: group,
              })),
            };
      return { type: "static_select", action_id, placeholder, ...choices, ...(initial ? { initial_option: initial } : {}) };
    }
  }
}

function plain(text: string): types.PlainTextElement {
  return { type: "plain_text", text, emoji: true };
}

const elementState = z.looseObject({
  type: z.string(),
  value: z.string().nullish(),
  selected_option: z.looseObject({ value: z.string() }).nullish(),
  selected_options: z.array(z.looseObject({ value: z.string() })).nullish(),
  selected_date_time: z.number().nullish(),
  selected_date: z.string().nullish(),
  selected_time: z.string().nullish(),
  selected_user: z.string().nullish(),
});

/** `view.state.values`: block id → action id → what the person entered. */
export const viewStateSchema = z.record(z.string(), z.record(z.string(), elementState));

/**
 * A submitted modal's values as the plain strings forms use: datetimes as ISO, a ticked checkbox as
 * "true", nothing for an empty field. Keyed by block id (= field id).
 */
export function readViewValues(values: unknown): Record<string, string> {
  const state = viewStateSchema.parse(values ?? {});
  const out: Record<string, string> = {};
  for (const [blockId, actions] of Object.entries(state)) {
    const element = actions[blockId] ?? Object.values(actions)[0];
    if (!element) continue;
    const value = elementValue(element);
    if (value !== undefined && value !== "") out[blockId] = value;
  }
  return out;
}

function elementValue(element: z.infer<typeof elementState>): string | undefined {
  if (element.selected_date_time != null) return new Date(element.selected_date_time * 1000).toISOString();
  if (element.selected_option) return element.selected_option.value;
  if (element.selected_options) return element.selected_options.some((o) => o.value === "true") ? "true" : undefined;
  if (element.selected_date)
    return element.selected_time ? `${element.selected_date}T${element.selected_time}` : element.selected_date;
  if (element.selected_time) return element.selected_time;
  if (element.selected_user) return element.selected_user;
  return element.value ?? undefined;
}

/** The block ids of a view's input blocks, to keep error keys to blocks that exist. */
export function inputBlockIds(view: { blocks?: readonly unknown[] }): string[] {
  return (view.blocks ?? []).flatMap((block) => {
    const b = block as { type?: string; block_id?: string };
    return b.type === "input" && b.block_id ? [b.block_id] : [];
  });
}

/**
 * Field errors as Slack wants them. An error for a field the modal does not show is moved onto the
 * first input, so it is still seen rather than making Slack reject the whole response.
 */
export function errorsForView(errors: Record<string, string>, blockIds: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const first = blockIds[0];
  for (const [key, message] of Object.entries(errors)) {
    const target = blockIds.includes(key) ? key : first;
    if (!target) continue;
    out[target] = out[target] ? `${out[target]} ${message}` : message;
  }
  return out;
}
