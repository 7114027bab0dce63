import type { DomainError } from "../../domain/domain-error.js";
import { errorText } from "../messages/error-text.js";
import type { NeutralForm, NeutralMessage } from "../messages/neutral-message.js";
import type { CommandAnswer } from "../use-cases/answer-command.js";

/**
 * What an interaction comes to, in neutral terms; each adapter renders it its own way (Slack: an
 * ephemeral note, a modal, field errors; Teams: the invoke response card; the console: a dialog).
 */
export type InteractionResult =
  /** It worked. `note` for the person who did it; `card` replaces the card they pressed (Teams). */
  | { kind: "done"; note?: string; card?: NeutralMessage }
  /** A form to show (or show again, with errors under the fields and what they typed). */
  | { kind: "form"; form: NeutralForm; errors?: Record<string, string>; values?: Record<string, string> }
  /** Nothing changed, and why. */
  | { kind: "refused"; code: string; text: string }
  /** A command's answer (a help text, someone's visits, a record). */
  | { kind: "answer"; answer: CommandAnswer };

export function refused(error: DomainError): InteractionResult {
  return { kind: "refused", code: error.code, text: errorText(error) };
}

export function done(note?: string, card?: NeutralMessage): InteractionResult {
  return { kind: "done", ...(note ? { note } : {}), ...(card ? { card } : {}) };
}
