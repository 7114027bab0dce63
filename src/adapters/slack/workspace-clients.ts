import { webApi } from "@slack/bolt";
import { DeliveryError } from "../../app/ports.js";
import type { SlackInstallationStore, WorkspaceBot } from "../../persistence/slack-installation-store.js";

/** A Web API client with one workspace's bot token, and that workspace (kept in the message's ref). */
export interface WorkspaceClient {
  client: webApi.WebClient;
  team?: string;
}

/** Picks the token a message is sent with. */
export interface WorkspaceClients {
  /** `workspace`: the Slack team id the message belongs to, when known. Throws a DeliveryError. */
  clientFor(workspace: string | undefined): Promise<WorkspaceClient>;
  /** Forgets what is known of a workspace (installed again, or removed). */
  forget(workspace?: string): void;
}

// Long enough that a burst of deliveries opens a workspace's token once; short enough that an
// uninstall seen by another instance stops this one within half a minute.
const CACHE_MS = 30_000;

/** The single SLACK_BOT_TOKEN: every message goes with it. */
export function singleTokenClients(client: webApi.WebClient): WorkspaceClients {
  return { clientFor: async () => ({ client }), forget: () => {} };
}

/**
 * With "Add to Slack": a message for a workspace goes with that workspace's bot token; a workspace
 * that removed homevisit fails at once, without calling Slack, and says how to reinstall. A message
 * with no workspace goes with SLACK_BOT_TOKEN when there is one, else with the only installation.
 */
export function installedWorkspaceClients(input: {
  installations: SlackInstallationStore;
  fallback?: webApi.WebClient;
  clientOptions: webApi.WebClientOptions;
  installUrl: string;
  now: () => number;
}): WorkspaceClients {
  const { installations, fallback, clientOptions, installUrl, now } = input;
  const cache = new Map<string, { bot: WorkspaceBot; client?: webApi.WebClient; until: number }>();
  const fromBot = (workspace: string, bot: WorkspaceBot) => {
    const entry = { bot, client: bot.status === "active" ? new webApi.WebClient(bot.token, clientOptions) : undefined };
    cache.set(workspace, { ...entry, until: now() + CACHE_MS });
    return entry;
  };
  const removed = (bot: Extract<WorkspaceBot, { status: "revoked" }>) =>
    new DeliveryError(
      `homevisit was removed from the Slack workspace ${bot.teamName ? `${bot.teamName} (${bot.teamId})` : (bot.teamId ?? bot.id)} on ${bot.revokedAt.toISOString()}; a workspace admin can reinstall it from ${installUrl}`,
      undefined,
      false,
    );
  const forWorkspace = async (workspace: string): Promise<WorkspaceClient> => {
    const cached = cache.get(workspace);
    const entry = cached && cached.until > now() ? cached : fromBot(workspace, await installations.botFor({ teamId: workspace }));
    if (entry.client) return { client: entry.client, team: workspace };
    if (entry.bot.status === "revoked") throw removed(entry.bot);
    if (fallback) return { client: fallback };
    throw new DeliveryError(
      `homevisit is not installed in the Slack workspace ${workspace}: install it from ${installUrl}`,
      undefined,
      false,
    );
  };
  const onlyInstallation = async (): Promise<WorkspaceClient> => {
    const bots = await installations.listBots();
    const active = bots.filter((bot) => bot.status === "active");
    const only = active[0];
    if (active.length === 1 && only?.teamId) return forWorkspace(only.teamId);
    const latest = bots[0];
    if (active.length === 0 && latest?.status === "revoked") throw removed(latest);
    throw new DeliveryError(
      active.length === 0
        ? `no Slack workspace has installed homevisit yet: install it from ${installUrl}`
        : `${active.length} Slack workspaces have installed homevisit and this message does not say which one it is for`,
      undefined,
      false,
    );
  };
  return {
    clientFor: async (workspace) => {
      if (workspace) return forWorkspace(workspace);
      return fallback ? { client: fallback } : onlyInstallation();
    },
    forget: (workspace) => {
      if (workspace) cache.delete(workspace);
      else cache.clear();
    },
  };
}
