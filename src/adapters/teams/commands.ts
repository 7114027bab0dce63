import { COMMAND_HELP } from "../../app/use-cases/answer-command.js";
import { type ChannelRole, channelRoles } from "../../domain/school-directory.js";

/**
 * What someone asked homevisit to do, typed as `/homevisit …`, `homevisit …` or `@homevisit …`.
 * Teams has no custom slash commands, so the words arrive as an ordinary message. Everything but
 * the form, help and the Teams-only `setup` is answered by the shared vocabulary (answerCommand).
 */
export type Command =
  | { kind: "form" }
  | { kind: "help" }
  | { kind: "setup"; role: ChannelRole | null; asked: string }
  | { kind: "shared"; text: string; personal: boolean };

const PREFIX = /^\/?home ?visit\b[:,]?\s*/i;

/** Answers about someone's own visits or records: sent to their 1:1 chat when asked in a channel. */
const PERSONAL_VERBS = new Set(["status", "list", "cancel", "record", "export"]);

/** The words after `homevisit`, or null when the message does not start with it. */
export function afterPrefix(text: string): string | null {
  const match = PREFIX.exec(text.trim());
  return match ? text.trim().slice(match[0].length) : null;
}

/** Reads a subcommand: nothing (or "new"/"request") opens the request form. */
export function parseCommand(rest: string): Command {
  const words = rest.trim().split(/\s+/).filter(Boolean);
  const verb = (words[0] ?? "").toLowerCase();
  if (verb === "" || verb === "new" || verb === "request") return { kind: "form" };
  if (verb === "help" || verb === "?") return { kind: "help" };
  if (verb === "setup" || verb === "set-up") {
    const asked = (words[1] ?? "").toLowerCase();
    const role = (channelRoles as readonly string[]).includes(asked) ? (asked as ChannelRole) : null;
    return { kind: "setup", role, asked };
  }
  return { kind: "shared", text: rest.trim(), personal: PERSONAL_VERBS.has(verb) };
}

export const HELP_TEXT = [
  COMMAND_HELP,
  "homevisit setup approvals (or visits, alerts, records), typed in a Teams channel — use this channel for that",
  "In a channel, @mention homevisit; in our 1:1 chat just type the words.",
].join("\n");
