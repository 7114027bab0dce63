/**
 * What never reaches a log line, wherever it sits in a logged object (up to four levels deep): the
 * code word, the pupil, the address, mobiles, and free text people typed (message text, reasons,
 * notes, form values). Configured once, here; the logger applies it to every line.
 */
const SENSITIVE_KEYS = [
  "codeWord",
  "code_word",
  "pupil",
  "pupilName",
  "pupil_name",
  "address",
  "mobile",
  "mobiles",
  "phone",
  "text",
  "reason",
  "reasons",
  "note",
  "notes",
  "values",
  "form",
  "formValues",
  "request",
  "vehicle",
  "responsibleContact",
];

export const REDACTED = "[redacted]";

export const redactPaths: string[] = SENSITIVE_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`]);
