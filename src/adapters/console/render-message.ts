import type { Block, NeutralMessage } from "../../app/messages/neutral-message.js";
import type { ConsolePost, Ephemeral } from "./console-inbox.js";
import { formatHhmm } from "./school-time.js";

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/**
 * Slack-style mrkdwn to HTML, after escaping everything: *bold*, _italic_, ~strike~, `code`,
 * line breaks. Nothing people typed can become markup.
 */
export function mrkdwn(text: string): string {
  const edge = "(^|[\\s(\"'“‘])";
  const end = "(?=$|[\\s.,!?:;)\"'”’])";
  return escapeHtml(text)
    .replace(/`([^`\n]+)`/g, "<code>$1</code>")
    .replace(new RegExp(`${edge}\\*([^*\\n]+?)\\*${end}`, "g"), "$1<strong>$2</strong>")
    .replace(new RegExp(`${edge}_([^_\\n]+?)_${end}`, "g"), "$1<em>$2</em>")
    .replace(new RegExp(`${edge}~([^~\\n]+?)~${end}`, "g"), "$1<del>$2</del>")
    .replace(/\n/g, "<br>");
}

export interface RenderContext {
  timezone: string;
  nameOf(staffId: string): string;
  /** The person the page acts as: whose ephemeral notes show. */
  me: string;
  notes: readonly Ephemeral[];
}

/** A neutral message as a Slack/Teams-like card: text, a two-column field grid, buttons, context. */
export function renderMessageBody(message: NeutralMessage, ts: string, mentions: readonly string[], ctx: RenderContext): string {
  const tone = message.tone ?? "normal";
  const mentionLine = mentions.length
    ? `<div class="mentions">${mentions.map((id) => `<span class="mention">@${escapeHtml(ctx.nameOf(id))}</span>`).join(" ")}</div>`
    : "";
  const title = message.title ? `<div class="blk-title">${escapeHtml(message.title)}</div>` : "";
  const blocks = message.blocks.map((block) => renderBlock(block, ts)).join("");
  return `<div class="card tone-${tone}" aria-label="${escapeHtml(message.text)}">${title}${mentionLine}${blocks}</div>`;
}

function renderBlock(block: Block, ts: string): string {
  switch (block.type) {
    case "text":
      return block.text.trim() ? `<div class="blk-text">${mrkdwn(block.text)}</div>` : "";
    case "fields":
      return `<dl class="blk-fields">${block.fields
        .map((field) => `<div class="field"><dt>${escapeHtml(field.label)}</dt><dd>${mrkdwn(field.value || "—")}</dd></div>`)
        .join("")}</dl>`;
    case "actions":
      return `<div class="blk-actions">${block.actions
        .map((action) =>
          action.url
            ? `<a class="btn" href="${escapeHtml(action.url)}" rel="noopener noreferrer" download>${escapeHtml(action.label)}</a>`
            : `<button type="button" class="btn${action.style ? ` btn-${action.style}` : ""}" data-action="${escapeHtml(action.id)}" data-value="${escapeHtml(action.value)}" data-ts="${escapeHtml(ts)}">${escapeHtml(action.label)}</button>`,
        )
        .join("")}</div>`;
    case "context":
      return block.text.trim() ? `<div class="blk-context">${mrkdwn(block.text)}</div>` : "";
  }
}

function initialsOf(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((word) => word.charAt(0).toUpperCase())
    .join("");
}

/** One message with its author line, as a chat client shows it; threads are shown open beneath. */
export function renderPost(post: ConsolePost, ctx: RenderContext, options: { replyBox?: boolean } = {}): string {
  const bot = post.author.kind === "bot";
  const name = post.author.kind === "bot" ? "homevisit" : post.author.name;
  const avatar = bot
    ? `<div class="avatar bot" aria-hidden="true">HV</div>`
    : `<div class="avatar">${escapeHtml(initialsOf(name))}</div>`;
  const edited = post.editedAt ? ` <span class="edited">(edited ${formatHhmm(post.editedAt, ctx.timezone)})</span>` : "";
  const body =
    post.author.kind === "bot"
      ? renderMessageBody(post.message, post.ts, post.mentions, ctx)
      : `<div class="human-text">${mrkdwn(post.message.text)}</div>`;
  const own = notesAt(ctx, post.ts);
  const head = `<article class="msg${bot ? " from-bot" : " from-person"}${post.placeholder ? " placeholder" : ""}" data-ts="${escapeHtml(post.ts)}">
${avatar}<div class="msg-main"><header><span class="author">${escapeHtml(name)}</span>${bot ? `<span class="app-badge">APP</span>` : ""}<time>${formatHhmm(post.at, ctx.timezone)}</time>${edited}</header>${body}${own}</div></article>`;
  if (post.parentTs) return head;
  const threaded = post.replies.length > 0 || options.replyBox;
  if (!threaded) return head;
  const replies = post.replies.map((reply) => renderPost(reply, ctx)).join("");
  const count = post.replies.length;
  const box = options.replyBox
    ? `<form class="reply-box" data-thread="${escapeHtml(post.ts)}"><input type="text" name="text" id="reply-${escapeHtml(post.ts)}" autocomplete="off" placeholder="Reply in thread as ${escapeHtml(ctx.nameOf(ctx.me))}…" aria-label="Reply in thread"><button type="submit" class="btn btn-primary">Send</button></form>`
    : "";
  return `<section class="thread" data-thread="${escapeHtml(post.ts)}">${head}<div class="replies"><div class="reply-count">${count === 0 ? "No replies yet" : `${count} ${count === 1 ? "reply" : "replies"}`}</div>${replies}${notesAt(ctx, `thread:${post.ts}`)}${box}</div></section>`;
}

export function notesAt(ctx: RenderContext, where: string): string {
  return ctx.notes
    .filter((note) => note.where === where)
    .map(
      (note) =>
        `<div class="ephemeral tone-${note.tone}" role="status"><div class="only-you">Only visible to you <button type="button" class="dismiss" data-dismiss="${note.id}" aria-label="Dismiss">×</button></div>${note.message ? renderMessageBody(note.message, `note-${note.id}`, [], ctx) : `<div>${mrkdwn(note.text)}</div>`}</div>`,
    )
    .join("");
}
