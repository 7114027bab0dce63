import type { FormField, NeutralForm } from "../../app/messages/neutral-message.js";
import { instantToSchoolTime } from "../../domain/school-wall-clock.js";
import { type AdaptiveCard, type CardElement, SCHEMA } from "./adaptive-card.js";
import { markdown } from "./card-text.js";

export interface FormCardOptions {
  /** What the person typed last time, by input id (kept when the form comes back with errors). */
  values?: Readonly<Record<string, unknown>>;
  /** Field id → what is wrong, shown under that field. */
  errors?: Readonly<Record<string, string>>;
  /** Inputs never put back on the card (the code word: a card stays in the chat history). */
  neverEcho?: readonly string[];
  timezone: string;
  /** Pre-fills date inputs with this day (the school's today). */
  today?: Date;
}

/** Renders a form: one labelled input per field, its hint, and its error in attention colour. */
export function formCard(form: NeutralForm, options: FormCardOptions): AdaptiveCard {
  const errors = options.errors ?? {};
  const body: CardElement[] = [{ type: "TextBlock", text: form.title, size: "Large", weight: "Bolder", wrap: true }];
  if (form.intro) body.push({ type: "TextBlock", text: markdown(form.intro), wrap: true });
  if (Object.keys(errors).length > 0)
    body.push({
      type: "TextBlock",
      text: "Please correct the fields marked below.",
      color: "Attention",
      weight: "Bolder",
      wrap: true,
    });
  for (const field of form.fields) {
    body.push(...renderField(field, options));
    if (field.hint)
      body.push({ type: "TextBlock", text: field.hint, isSubtle: true, size: "Small", wrap: true, spacing: "None" });
    const error = errors[field.id];
    if (error)
      body.push({
        type: "TextBlock",
        id: `${field.id}_error`,
        text: error,
        color: "Attention",
        size: "Small",
        wrap: true,
        spacing: "None",
      });
  }
  return {
    type: "AdaptiveCard",
    $schema: SCHEMA,
    version: "1.5",
    fallbackText: form.title,
    body,
    actions: [
      {
        type: "Action.Execute",
        title: form.submitLabel,
        verb: form.id,
        data: form.metadata ? { metadata: form.metadata } : {},
        style: "positive",
      },
    ],
  };
}

function renderField(field: FormField, options: FormCardOptions): CardElement[] {
  const echo = !options.neverEcho?.includes(field.id);
  const raw = (id: string): string | undefined => {
    const value = options.values?.[id];
    return echo && value !== undefined && value !== null ? String(value) : undefined;
  };
  const value = raw(field.id) ?? field.initial;
  const common = {
    id: field.id,
    label: field.label,
    isRequired: !!field.required,
    errorMessage: `${field.label}: this is required`,
  };
  switch (field.kind) {
    case "text":
    case "textarea":
      return [
        {
          type: "Input.Text",
          ...common,
          ...(field.kind === "textarea" ? { isMultiline: true } : {}),
          ...(field.id === "code_word" ? { style: "Password" } : {}),
          ...(field.maxLength ? { maxLength: field.maxLength } : {}),
          ...(value !== undefined ? { value } : {}),
        },
      ];
    case "select":
    case "staff":
      return [
        {
          type: "Input.ChoiceSet",
          ...common,
          style: "compact",
          placeholder: field.kind === "staff" ? "Choose a member of staff" : "Choose…",
          choices: (field.options ?? []).map((option) => ({ title: option.label, value: option.value })),
          ...(value !== undefined ? { value } : {}),
        },
      ];
    case "number": {
      const number = value !== undefined && value.trim() !== "" ? Number(value) : undefined;
      return [
        {
          type: "Input.Number",
          ...common,
          min: 0,
          ...(number !== undefined && Number.isFinite(number) ? { value: number } : {}),
        },
      ];
    }
    case "checkbox":
      return [
        {
          type: "Input.Toggle",
          id: field.id,
          title: field.label,
          valueOn: "true",
          valueOff: "false",
          value: value === "true" ? "true" : "false",
        },
      ];
    case "date":
      return [{ type: "Input.Date", ...common, ...(value ? { value } : {}) }];
    case "time":
      return [{ type: "Input.Time", ...common, ...(value ? { value } : {}) }];
    case "datetime": {
      // A form filled in from a visit (changes asked for) gives the instant; shown in school time.
      const given = field.initial && !Number.isNaN(Date.parse(field.initial)) ? new Date(field.initial) : null;
      const initial = given ? instantToSchoolTime(given, options.timezone) : undefined;
      const today = options.today ? instantToSchoolTime(options.today, options.timezone).date : undefined;
      const date = raw(`${field.id}_date`) ?? initial?.date ?? today;
      const time = raw(`${field.id}_time`) ?? initial?.time;
      return [
        {
          type: "ColumnSet",
          columns: [
            {
              type: "Column",
              width: "stretch",
              items: [
                {
                  type: "Input.Date",
                  id: `${field.id}_date`,
                  label: `${field.label}: date`,
                  isRequired: !!field.required,
                  errorMessage: `${field.label}: choose a date`,
                  ...(date ? { value: date } : {}),
                },
              ],
            },
            {
              type: "Column",
              width: "stretch",
              items: [
                {
                  type: "Input.Time",
                  id: `${field.id}_time`,
                  label: "time",
                  isRequired: !!field.required,
                  errorMessage: `${field.label}: choose a time`,
                  ...(time ? { value: time } : {}),
                },
              ],
            },
          ],
        },
      ];
    }
  }
}
