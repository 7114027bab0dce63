import { APPROVAL_ACTIONS } from "../../app/messages/approval-card.js";
import { DECISION_INPUTS, SAFE_OPTIONS } from "../../app/messages/decision-forms.js";
import type { Action, Block, NeutralMessage, Tone } from "../../app/messages/neutral-message.js";
import { VISIT_ACTIONS } from "../../app/messages/visit-messages.js";
import { escapeTyped, lines, markdown, plainText } from "./card-text.js";

/**
 * NeutralMessage as an Adaptive Card 1.5 (forms are in form-card.ts), the version Teams renders on desktop,
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
export const SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json";

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
  const withInputs = (body: CardElement[], confirm: string): CardElement => ({
    type: "Action.ShowCard",
    title: action.label,
    card: { type: "AdaptiveCard", body, actions: [execute(confirm)] },
  });
  const words = (id: string, label: string, errorMessage: string): CardElement => ({
    type: "Input.Text",
    id,
    label,
    isMultiline: true,
    isRequired: true,
    errorMessage,
    maxLength: 500,
  });
  const toggle = (id: string, title: string): CardElement => ({
    type: "Input.Toggle",
    id,
    title,
    valueOn: "true",
    valueOff: "false",
  });
  const note = (label: string): CardElement => ({
    type: "Input.Text",
    id: DECISION_INPUTS.note,
    label,
    isMultiline: true,
    maxLength: 300,
  });
  switch (action.id) {
    case APPROVAL_ACTIONS.decline:
      return withInputs(
        [words(DECISION_INPUTS.reason, "Reason for declining (the requester sees it)", "Give a reason for declining.")],
        "Decline the visit",
      );
    case APPROVAL_ACTIONS.changes:
      return withInputs(
        [words(DECISION_INPUTS.note, "What should change? (the requester sees it)", "Say what needs changing.")],
        "Send it back",
      );
    case APPROVAL_ACTIONS.conditions:
      return withInputs(
        [
          toggle(DECISION_INPUTS.requirePair, "Go as a pair"),
          toggle(DECISION_INPUTS.police, "Police accompaniment"),
          note("Other conditions"),
        ],
        "Approve with these conditions",
      );
    case VISIT_ACTIONS.staffSafe:
      return withInputs(
        [
          {
            type: "Input.ChoiceSet",
            id: DECISION_INPUTS.how,
            label: "How do you know they are safe?",
            style: "expanded",
            isRequired: true,
            errorMessage: "Choose how you know.",
            choices: SAFE_OPTIONS.map((option) => ({ title: option.label, value: option.value })),
          },
          note("Anything to add"),
        ],
        "Stand everyone down",
      );
    default:
      return execute(action.label);
  }
}

/** A simple card for a sentence or two (command answers, confirmations). */
export function textCard(text: string, tone: Tone = "normal"): AdaptiveCard {
  return messageCard({ text, tone, blocks: [{ type: "text", text }] });
}
