import { z } from "zod";

/** UK mobiles (07… or +44 7…) or any international number written with +. */
export const mobile = z
  .string()
  .trim()
  .transform((value) => value.replace(/[\s()-]/g, ""))
  .refine((value) => /^(07\d{9}|\+447\d{9}|\+[1-9]\d{7,14})$/.test(value), "enter a mobile number like 07700 900123");

// A NUL or other control character cannot be stored in a text column, and nobody types one on purpose.
const CONTROL = /(?![\t\n\r])\p{Cc}/u;

/** Text as people type it: trimmed, bounded, without invisible control characters. */
export const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `keep this under ${max} characters`)
    .refine((value) => !CONTROL.test(value), "remove the invisible control character (pasted from elsewhere?)");

export const required = (max: number) => text(max).min(1, "this is required");
