import type { Logger } from "./ports.js";

export type { AppContext, Downloads, Logger } from "./ports.js";

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
