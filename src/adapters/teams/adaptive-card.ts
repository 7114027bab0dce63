import { APPROVAL_ACTIONS } from "../../app/messages/approval-card.js";
import { DECISION_INPUTS, SAFE_OPTIONS } from "../../app/messages/decision-forms.js";
import type { Action, Block, FormField, NeutralForm, NeutralMessage, Tone } from "../../app/messages/neutral-message.js";
import { VISIT_ACTIONS } from "../../app/messages/visit-messages.js";
import { instantToSchoolTime } from "../../domain/school-wall-clock.js";

/**
 * NeutralMessage and NeutralForm as Adaptive Cards 1.5, the version Teams renders on desktop,
 * web and mobile. Buttons are `Action.Execute` (Universal Actions): verb = the neutral action id,
 * data = { visitId }, so the invoke that comes back names the action and the visit.
 */
export type CardElement = Record<string, unknown>;

export interface AdaptiveCard {
  type: "AdaptiveCard";
  $schema: string;
  version: "1.5";
  body: CardElement[];
  actions?: CardElement[];
  fallbackText?: string;
  msteams?: { entities: MentionEntity[] };
}

export interface MentionEntity {
  type: "mention";
  text: string;
  mentioned: { id: string; name: string };
}

/** Someone to @mention: their Teams id (aadObjectId works in cards) and display name. */
export interface Mention {
  id: string;
  name: string;
}

export const ADAPTIVE_CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive";
const SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json";

const toneStyle: Record<Tone, string | undefined> = {
  normal: undefined,
  success: "good",
  warning: "warning",
  danger: "attention",
};
const toneColour: Record<Tone, string> = { normal: "Default", success: "Good", warning: "Default", danger: "Attention" };

/** Renders a message as a card; mentions become `<at>` tags backed by msteams.entities. */
export function messageCard(message: NeutralMessage, mentions: readonly Mention[] = []): AdaptiveCard {
  const tone = message.tone ?? "normal";
  const body: CardElement[] = [];
  if (message.title)
    body.push({
      type: "TextBlock",
      text: markdown(message.title),
      size: "Medium",
      weight: "Bolder",
      // On a tinted container the tone is already there; coloured text on it is hard to read.
      ...(tone === "danger" ? { color: toneColour[tone] } : {}),
      wrap: true,
    });
  for (const block of message.blocks) body.push(...renderBlock(block));
  if (mentions.length > 0)
    body.push({ type: "TextBlock", text: mentions.map((m) => `<at>${m.name}</at>`).join(" "), wrap: true });
  const style = toneStyle[tone];
  const card: AdaptiveCard = {
    type: "AdaptiveCard",
    $schema: SCHEMA,
    version: "1.5",
    fallbackText: plainText(message.text),
    body: style ? [{ type: "Container", style, bleed: true, items: body }] : body,
  };
  if (mentions.length > 0)
    card.msteams = {
      entities: mentions.map((m) => ({ type: "mention", text: `<at>${m.name}</at>`, mentioned: { id: m.id, name: m.name } })),
    };
  return card;
}

function renderBlock(block: Block): CardElement[] {
  switch (block.type) {
    case "text":
      return lines(block.text).map((line, index) => ({
        type: "TextBlock",
        text: markdown(line),
        wrap: true,
        ...(index > 0 ? { spacing: "None" } : {}),
      }));
    case "context":
      return lines(block.text).map((line) => ({
        type: "TextBlock",
        text: markdown(line),
        wrap: true,
        isSubtle: true,
        size: "Small",
        spacing: "Small",
      }));
    case "fields":
      return [
        {
          type: "FactSet",
          facts: block.fields.map((field) => ({
            title: escapeTyped(field.label),
            value: escapeTyped(field.value.replace(/\n+/g, "; ")),
          })),
        },
      ];
    case "actions":
      return [{ type: "ActionSet", actions: block.actions.map(renderAction) }];
  }
}

function renderAction(action: Action): CardElement {
  if (action.url) return { type: "Action.OpenUrl", title: action.label, url: action.url };
  const execute = (title: string): CardElement => ({
    type: "Action.Execute",
    title,
    verb: action.id,
    data: { visitId: action.value },
    ...(action.style ? { style: action.style === "primary" ? "positive" : "destructive" } : {}),
  });
  // Decisions that need words: the inputs open under the button, and the confirm button sends them.
  if (action.id === APPROVAL_ACTIONS.decline)
    return {
      type: "Action.ShowCard",
      title: action.label,
      card: {
        type: "AdaptiveCard",
        body: [
          {
            type: "Input.Text",
            id: DECISION_INPUTS.reason,
            label: "Reason for declining (the requester sees it)",
            isMultiline: true,
            isRequired: true,
            errorMessage: "Give a reason for declining.",
            maxLength: 500,
          },
        ],
        actions: [execute("Decline the visit")],
      },
    };
  if (action.id === APPROVAL_ACTIONS.conditions)
    return {
      type: "Action.ShowCard",
      title: action.label,
      card: {
        type: "AdaptiveCard",
        body: [
          { type: "Input.Toggle", id: DECISION_INPUTS.requirePair, title: "Go as a pair", valueOn: "true", valueOff: "false" },
          {
            type: "Input.Toggle",
            id: DECISION_INPUTS.police,
            title: "Police accompaniment",
            valueOn: "true",
            valueOff: "false",
          },
          { type: "Input.Text", id: DECISION_INPUTS.note, label: "Other conditions", isMultiline: true, maxLength: 300 },
        ],
        actions: [execute("Approve with these conditions")],
      },
    };
  if (action.id === VISIT_ACTIONS.staffSafe)
    return {
      type: "Action.ShowCard",
      title: action.label,
      card: {
        type: "AdaptiveCard",
        body: [
          {
            type: "Input.ChoiceSet",
            id: DECISION_INPUTS.how,
            label: "How do you know they are safe?",
            style: "expanded",
            isRequired: true,
            errorMessage: "Choose how you know.",
            choices: SAFE_OPTIONS.map((option) => ({ title: option.label, value: option.value })),
          },
          { type: "Input.Text", id: DECISION_INPUTS.note, label: "Anything to add", isMultiline: true, maxLength: 300 },
        ],
        actions: [execute("Stand everyone down")],
      },
    };
  return execute(action.label);
}

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
      const today = options.today ? instantToSchoolTime(options.today, options.timezone).date : undefined;
      const date = raw(`${field.id}_date`) ?? today;
      const time = raw(`${field.id}_time`);
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

/** A simple card for a sentence or two (command answers, confirmations). */
export function textCard(text: string, tone: Tone = "normal"): AdaptiveCard {
  return messageCard({ text, tone, blocks: [{ type: "text", text }] });
}

/**
 * The neutral messages' `*bold*` as Adaptive Card markdown `**bold**`; everything else people typed
 * is escaped, so a pupil's name like "[x](https://…)" is shown as typed, never as a link.
 */
export function markdown(text: string): string {
  return escapeTyped(text).replace(/(^|[^*\w])\*([^*\n]+?)\*(?![*\w])/g, "$1**$2**");
}

/** Markdown's link and code markers shown literally: what people typed can never become a link. */
function escapeTyped(text: string): string {
  return text.replace(/([\\[\]`])/g, "\\$1");
}

/** Notification and screen-reader text: the markup's asterisks are not read out. */
export function plainText(text: string): string {
  return text.replace(/(^|[^*\w])\*([^*\n]+?)\*(?![*\w])/g, "$1$2");
}

function lines(text: string): string[] {
  const out = text.split(/\n+/).filter((line) => line.trim() !== "");
  return out.length > 0 ? out : [text];
}

/** Markdown escapes undone: the text as a reader sees it. */
function unescapeTyped(text: string): string {
  return text.replace(/\\([\\[\]`])/g, "$1");
}

/** Every text a card shows, in order: for logs and tests. */
export function cardText(card: unknown): string {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    if (!node || typeof node !== "object") return;
    const element = node as Record<string, unknown>;
    if (element.type === "TextBlock" && typeof element.text === "string") out.push(unescapeTyped(element.text));
    if (element.type === "FactSet" && Array.isArray(element.facts))
      for (const fact of element.facts as { title: string; value: string }[])
        out.push(`${unescapeTyped(fact.title)}: ${unescapeTyped(fact.value)}`);
    if (typeof element.title === "string" && String(element.type ?? "").startsWith("Action.")) out.push(`[${element.title}]`);
    for (const key of ["body", "items", "columns", "actions", "card"]) if (key in element) walk(element[key]);
  };
  walk(card);
  return out.join("\n");
}
