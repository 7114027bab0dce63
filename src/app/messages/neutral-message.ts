/**
 * Platform-neutral messages and forms. Slack renders them as Block Kit, Teams as Adaptive Cards,
 * the console as HTML: one vocabulary, so every platform shows the same thing.
 */
export type Tone = "normal" | "success" | "warning" | "danger";

export interface Field {
  label: string;
  value: string;
}

export interface Action {
  /** Stable action id: Slack action_id / Teams Action.Execute verb (e.g. visit_approve). */
  id: string;
  label: string;
  value: string;
  style?: "primary" | "danger";
  /** A link button (e.g. a download) rather than an action homevisit handles. */
  url?: string;
}

export type Block =
  | { type: "text"; text: string }
  | { type: "fields"; fields: Field[] }
  | { type: "actions"; actions: Action[] }
  | { type: "context"; text: string };

export interface NeutralMessage {
  /** Plain text for notifications and screen readers. */
  text: string;
  title?: string;
  tone?: Tone;
  blocks: Block[];
  /** Staff ids to @mention. */
  mentions?: string[];
}

export type FormFieldKind = "text" | "textarea" | "select" | "datetime" | "date" | "time" | "number" | "checkbox" | "staff";

export interface FormField {
  id: string;
  label: string;
  kind: FormFieldKind;
  required?: boolean;
  hint?: string;
  options?: { value: string; label: string }[];
  initial?: string;
  maxLength?: number;
}

export interface NeutralForm {
  /** Slack view callback_id / Teams submit verb. */
  id: string;
  title: string;
  submitLabel: string;
  intro?: string;
  fields: FormField[];
  /** Carried through the platform untouched (e.g. the visit id). */
  metadata?: string;
}
