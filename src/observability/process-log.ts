import { type Logger, silentLogger } from "../app/app-context.js";

let current: Logger = silentLogger;

/**
 * The logger for code that has no AppContext at hand (the timer batches in persistence). startApp
 * sets it from its own logger, so tests that start the app silently stay silent.
 */
export function processLog(): Logger {
  return current;
}

export function useProcessLog(log: Logger): void {
  current = log;
}
