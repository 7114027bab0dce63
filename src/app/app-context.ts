import type { Logger } from "./ports.js";

export type { AppContext, Downloads, Logger } from "./ports.js";

export const consoleLogger: Logger = {
  info: (message, detail) => console.log(`homevisit: ${message}`, detail ?? ""),
  warn: (message, detail) => console.warn(`homevisit: ${message}`, detail ?? ""),
  error: (message, detail) => console.error(`homevisit: ${message}`, detail ?? ""),
};

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
