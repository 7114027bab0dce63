import type { types } from "@slack/bolt";
import type { Block, NeutralMessage, Tone } from "../../app/messages/neutral-message.js";
import { chunk, escapeMrkdwn, LIMITS, mention, splitText, truncate } from "./slack-text.js";

type KnownBlock = types.KnownBlock;

export interface SlackMessage {
  /** The notification and screen-reader text. */
  text: string;
  blocks: KnownBlock[];
}

const toneEmoji: Record<Tone, string> = { normal: "", success: "✅ ", warning: "⚠️ ", danger: "🚨 " };

/**
 * A neutral message as Block Kit: text as mrkdwn sections, fields in sections of ten, buttons in
 * actions blocks, context as context. Everything people typed is escaped, so only the mentions we
 * add ourselves can notify anyone.
 */
export function renderMessage(message: NeutralMessage, mentions: readonly string[] = []): SlackMessage {
  const lead = [toneEmoji[message.tone ?? "normal"], mentions.map(mention).join(" ")].filter(Boolean).join("");
  const prefix = lead ? `${lead}${mentions.length > 0 ? " " : ""}` : "";
  const blocks: KnownBlock[] = [];
  let prefixed = false;
  if (message.title) {
    // The title is the message's heading: bold, once, with the tone and the mentions before it.
    blocks.push(section(`${prefix}*${escapeMrkdwn(message.title)}*`));
    prefixed = true;
  }
  for (const block of message.blocks) {
    if (block.type === "text" && !prefixed) {
      blocks.push(...renderBlock({ type: "text", text: block.text }, prefix));
      prefixed = true;
    } else {
      blocks.push(...renderBlock(block, ""));
    }
  }
  if (!prefixed && prefix.trim()) blocks.unshift(section(prefix.trim()));
  return {
    text: truncate(`${prefix}${escapeMrkdwn(message.text)}`, LIMITS.sectionText),
    blocks: blocks.slice(0, LIMITS.blocksPerMessage),
  };
}

function renderBlock(block: Block, prefix: string): KnownBlock[] {
  switch (block.type) {
    case "text": {
      const text = `${prefix}${escapeMrkdwn(block.text)}`;
      if (!text.trim()) return [];
      return splitText(text, LIMITS.sectionText).map(section);
    }
    case "fields":
      return chunk(block.fields, LIMITS.fieldsPerSection).map((fields) => ({
        type: "section",
        fields: fields.map((field) => ({
          type: "mrkdwn",
          text: truncate(`*${escapeMrkdwn(field.label)}*\n${escapeMrkdwn(field.value || "—")}`, LIMITS.fieldText),
        })),
      }));
    case "actions":
      return chunk(block.actions, LIMITS.buttonsPerActions).map((actions) => ({
        type: "actions",
        elements: actions.map((action) => ({
          type: "button",
          action_id: action.id,
          value: action.value,
          ...(action.url ? { url: action.url } : {}),
          text: { type: "plain_text", text: truncate(action.label, LIMITS.buttonText), emoji: true },
          ...(action.style ? { style: action.style } : {}),
        })),
      }));
    case "context": {
      const text = escapeMrkdwn(block.text);
      if (!text.trim()) return [];
      return [{ type: "context", elements: [{ type: "mrkdwn", text: truncate(text, LIMITS.sectionText) }] }];
    }
  }
}

function section(text: string): KnownBlock {
  return { type: "section", text: { type: "mrkdwn", text } };
}
