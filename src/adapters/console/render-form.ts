import type { FormField, NeutralForm } from "../../app/messages/neutral-message.js";
import { escapeHtml } from "./render-message.js";
import { fromSchoolInput, toSchoolInput } from "./school-time.js";

export interface FormState {
  values?: Record<string, string>;
  errors?: Record<string, string>;
  /** A refusal that belongs to no one field (e.g. "only the staff on the visit…"). */
  formError?: string;
  /** Who is filling it in, shown in the header. */
  actingAs: string;
  /** The school's time zone: a datetime given as an instant is shown as school wall-clock time. */
  timezone?: string;
}

/** A neutral form as a real HTML form: labels, hints, the person's values kept, errors under each field. */
export function renderForm(form: NeutralForm, state: FormState): string {
  const values = state.values ?? {};
  const errors = state.errors ?? {};
  const fields = form.fields
    .map((field) => renderField(field, shown(field, values[field.id] ?? field.initial ?? "", state.timezone), errors[field.id]))
    .join("");
  const intro = form.intro ? `<p class="intro">${escapeHtml(form.intro)}</p>` : "";
  const formError = state.formError ? `<div class="form-error" role="alert">${escapeHtml(state.formError)}</div>` : "";
  const count = Object.keys(errors).length;
  const summary = count
    ? `<div class="form-error" role="alert">Please correct ${count === 1 ? "the field" : `the ${count} fields`} marked below.</div>`
    : "";
  return `<form class="modal-form" data-form-id="${escapeHtml(form.id)}" data-metadata="${escapeHtml(form.metadata ?? "")}" novalidate>
<header class="modal-head"><div><h2>${escapeHtml(form.title)}</h2><div class="acting">as ${escapeHtml(state.actingAs)}</div></div><button type="button" class="close" data-close aria-label="Close">×</button></header>
<div class="modal-body">${intro}${formError}${summary}${fields}</div>
<footer class="modal-foot"><button type="button" class="btn" data-close>Cancel</button><button type="submit" class="btn btn-primary">${escapeHtml(form.submitLabel)}</button></footer>
</form>`;
}

function shown(field: FormField, value: string, timezone: string | undefined): string {
  if (field.kind !== "datetime" || !timezone || !/Z$/.test(value) || Number.isNaN(Date.parse(value))) return value;
  return toSchoolInput(new Date(value), timezone);
}

function renderField(field: FormField, value: string, error: string | undefined): string {
  const id = `f-${field.id}`;
  const attrs = `id="${id}" name="${escapeHtml(field.id)}"${field.required ? " required" : ""}${error ? ` aria-invalid="true" aria-describedby="${id}-error"` : ""}`;
  const max = field.maxLength ? ` maxlength="${field.maxLength}"` : "";
  let input: string;
  switch (field.kind) {
    case "textarea":
      input = `<textarea ${attrs}${max} rows="3">${escapeHtml(value)}</textarea>`;
      break;
    case "select":
    case "staff": {
      const options = (field.options ?? [])
        .map(
          (o) => `<option value="${escapeHtml(o.value)}"${o.value === value ? " selected" : ""}>${escapeHtml(o.label)}</option>`,
        )
        .join("");
      input = `<select ${attrs}><option value="">${field.kind === "staff" ? "— nobody —" : "Choose…"}</option>${options}</select>`;
      break;
    }
    case "checkbox":
      input = `<input type="checkbox" ${attrs} value="true"${value === "true" ? " checked" : ""}>`;
      return `<div class="form-field checkbox${error ? " has-error" : ""}" data-field="${escapeHtml(field.id)}"><label for="${id}">${input} ${escapeHtml(field.label)}</label>${hint(field)}${errorLine(id, error)}</div>`;
    case "datetime":
      input = `<input type="datetime-local" ${attrs} value="${escapeHtml(value)}">`;
      break;
    case "date":
      input = `<input type="date" ${attrs} value="${escapeHtml(value)}">`;
      break;
    case "time":
      input = `<input type="time" ${attrs} value="${escapeHtml(value)}">`;
      break;
    case "number":
      input = `<input type="number" inputmode="numeric" ${attrs} value="${escapeHtml(value)}">`;
      break;
    default:
      input = `<input type="text" ${attrs}${max} value="${escapeHtml(value)}">`;
  }
  const optional = field.required || /optional/i.test(field.label) ? "" : ` <span class="optional">(optional)</span>`;
  return `<div class="form-field${error ? " has-error" : ""}" data-field="${escapeHtml(field.id)}"><label for="${id}">${escapeHtml(field.label)}${optional}</label>${hint(field)}${input}${errorLine(id, error)}</div>`;
}

function hint(field: FormField): string {
  return field.hint ? `<div class="hint">${escapeHtml(field.hint)}</div>` : "";
}

function errorLine(id: string, error: string | undefined): string {
  return error ? `<div class="field-error" id="${id}-error">${escapeHtml(error)}</div>` : "";
}

const DATETIME_LOCAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;

/**
 * The submitted values as the app's forms take them: a datetime typed as school wall-clock time
 * (the only values shaped like a datetime-local input) becomes an ISO instant.
 */
export function formValues(submitted: Record<string, string>, timezone: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, raw] of Object.entries(submitted)) {
    const at = DATETIME_LOCAL.test(raw.trim()) ? fromSchoolInput(raw, timezone) : null;
    out[key] = at ? at.toISOString() : raw;
  }
  return out;
}
