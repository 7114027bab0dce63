/**
 * Stable error codes. Adapters turn each into words once (src/app/messages/error-text.ts);
 * acceptance tests and logs rely on the codes, never on the wording.
 */
export type DomainErrorCode =
  | "invalid-transition"
  | "not-an-approver"
  | "self-approval"
  | "safeguarding-approver-required"
  | "not-on-visit"
  | "not-the-requester"
  | "visit-not-found"
  | "already-decided"
  | "already-signed-off"
  | "invalid-request"
  | "invalid-record"
  | "not-allowed"
  | "unknown-staff"
  | "unknown-role"
  | "last-holder"
  | "stale-visit";

export class DomainError extends Error {
  readonly code: DomainErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: DomainErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = "DomainError";
    this.code = code;
    this.details = details;
  }
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: DomainError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(code: DomainErrorCode, message: string, details: Record<string, unknown> = {}): Result<T> => ({
  ok: false,
  error: new DomainError(code, message, details),
});

/** A field-by-field complaint about user input; `field` matches the form's field id. */
export interface FieldError {
  field: string;
  message: string;
}
