import { AsyncLocalStorage } from "node:async_hooks";

/** Fields every log line written inside a piece of work carries (an HTTP request, a visit's message). */
export interface LogContext {
  requestId?: string;
  visitId?: string;
  [field: string]: unknown;
}

const storage = new AsyncLocalStorage<LogContext>();

/**
 * Runs `work` with these fields added to every log line it writes, however deep the call: the HTTP
 * server sets `requestId`, delivery and use cases add `visitId` once they know it.
 */
export function runWithLogContext<T>(fields: LogContext, work: () => T): T {
  return storage.run({ ...storage.getStore(), ...fields }, work);
}

/** The fields of the work running now (empty outside any). */
export function currentLogContext(): LogContext {
  return storage.getStore() ?? {};
}
