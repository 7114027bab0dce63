import { createConsoleAdapter } from "./adapters/console/console-adapter.js";
import { createSlackAdapter } from "./adapters/slack/slack-adapter.js";
import { createTeamsAdapter } from "./adapters/teams/teams-adapter.js";
import type { AdapterFactory } from "./app/ports.js";

/** Every chat platform the bot can speak; each returns null when it is not configured. */
export const platformAdapters: readonly AdapterFactory[] = [createConsoleAdapter, createSlackAdapter, createTeamsAdapter];
