import type { IncomingMessage, ServerResponse } from "node:http";
import type { App, HTTPReceiverOptions, Installation, InstallationQuery, InstallationStore, webApi } from "@slack/bolt";
import type { AppContext } from "../../app/app-context.js";
import { placeInstall } from "../../app/interactions/set-up-school.js";
import type { SlackOAuthSettings } from "../../config/load-config.js";
import type { HttpRoutes } from "../../http/http-server.js";
import type { CredentialStatus } from "../../http/readiness.js";
import { createSlackInstallationStore, type WorkspaceQuery } from "../../persistence/slack-installation-store.js";
import { createTokenCipher } from "../../persistence/token-cipher.js";
import { sendInstalledPage, sendInstallFailedPage } from "./install-pages.js";
import { installedWorkspaceClients, type WorkspaceClients } from "./workspace-clients.js";

export const SLACK_INSTALL_PATH = "/slack/install";
export const SLACK_REDIRECT_PATH = "/slack/oauth_redirect";

/** The bot scopes "Add to Slack" asks for: the same as manifests/slack/manifest.yaml (a test compares them). */
export const SLACK_BOT_SCOPES = [
  "commands",
  "chat:write",
  "im:write",
  "channels:history",
  "groups:history",
  "im:history",
  "files:read",
  // People and roles in chat: a newcomer's name and email, and roles that follow a user group.
  "users:read",
  "users:read.email",
  "usergroups:read",
] as const;

const INSTALLATION_RECHECK_MS = 60_000;

/** The single SLACK_BOT_TOKEN when it is configured beside OAuth: it serves workspaces that did not install. */
export interface SingleToken {
  token: string;
  botId?: string;
  botUserId?: string;
}

export interface SlackOAuth {
  /** Clients for delivery: each workspace's own token. */
  clients: WorkspaceClients;
  /** clientId, clientSecret, stateSecret, scopes, installationStore and installerOptions for Bolt. */
  receiverOptions: Partial<HTTPReceiverOptions>;
  /** GET /slack/install and /slack/oauth_redirect to Bolt's installer, and the uninstall events. */
  register(app: App, routes: HttpRoutes, listener: HTTPReceiverListener): void;
  /** ok unless no workspace has installed (and no single token works either), for /readyz. */
  credentials(single?: CredentialStatus): CredentialStatus;
  stop(): void;
}

type HTTPReceiverListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * "Add to Slack" with Bolt's own OAuth (InstallProvider inside the HTTPReceiver): the install page
 * redirects to Slack with a signed state, the redirect exchanges the code (oauth.v2.access on the
 * same SLACK_API_URL as everything else) and keeps the installation, its token sealed.
 */
export async function setUpSlackOAuth(input: {
  ctx: AppContext;
  settings: SlackOAuthSettings;
  clientOptions: webApi.WebClientOptions;
  publicUrl: string;
  single?: { client: webApi.WebClient; token: SingleToken };
}): Promise<SlackOAuth> {
  const { ctx, settings, clientOptions, single } = input;
  const installUrl = `${input.publicUrl.replace(/\/+$/, "")}${SLACK_INSTALL_PATH}`;
  const installations = createSlackInstallationStore(
    ctx.store.slackInstallations,
    createTokenCipher(settings.encryptionKeys),
    ctx.clock,
  );
  const clients = installedWorkspaceClients({
    installations,
    fallback: single?.client,
    clientOptions,
    installUrl,
    now: Date.now,
  });
  let active = 0;
  const recount = async () => {
    active = (await installations.listBots()).filter((bot) => bot.status === "active").length;
  };
  await recount().catch((error: unknown) => ctx.log.error("slack: could not read the installations", { err: error }));
  const recheck = setInterval(() => void recount().catch(() => {}), INSTALLATION_RECHECK_MS);
  recheck.unref();

  const audit = (action: string, actorId: string, detail: Record<string, unknown>) =>
    ctx.store
      .appendAudit({ visitId: null, at: ctx.clock.now(), actorId, actor: actorId, platform: "slack", action, detail })
      .catch((error: unknown) => ctx.log.error(`slack: could not audit ${action}`, { err: error }));

  const boltStore: InstallationStore = {
    storeInstallation: async (installation) => {
      await installations.storeInstallation(installation);
      const team = installation.team?.id ?? installation.enterprise?.id;
      clients.forget(installation.team?.id);
      await recount();
      ctx.log.info(
        `slack: homevisit was installed in workspace ${installation.team?.name ?? ""} (${team}) by ${installation.user?.id}`,
      );
      await audit("slack_installed", installation.user?.id ?? "slack", { workspace: team, name: installation.team?.name });
      // With one school it is that school's workspace; with several, someone types setup school there.
      if (installation.team?.id) await placeInstall(ctx, "slack", installation.team.id).catch(() => undefined);
    },
    fetchInstallation: async (query) => {
      try {
        return await installations.fetchInstallation(query);
      } catch (error) {
        // A workspace that never installed is served by SLACK_BOT_TOKEN, when there is one; a removed one is not.
        if (single && (await installations.botFor(query)).status === "unknown") return singleInstallation(query, single.token);
        throw error;
      }
    },
    deleteInstallation: (query) => installations.deleteInstallation?.(query) ?? Promise.resolve(),
  };

  const uninstall = async (query: WorkspaceQuery, event: string) => {
    const workspace = query.teamId ?? query.enterpriseId ?? "unknown";
    const revoked = await installations.revoke(query);
    clients.forget(query.teamId);
    await recount();
    if (!revoked) return;
    ctx.log.warn(
      `slack: homevisit was removed from workspace ${workspace} (${event}): its token is deleted, and messages for it stay undelivered until a workspace admin reinstalls from ${installUrl}`,
    );
    await audit("slack_uninstalled", "slack", { workspace, event });
  };

  return {
    clients,
    receiverOptions: {
      clientId: settings.clientId,
      clientSecret: settings.clientSecret,
      stateSecret: settings.stateSecret,
      redirectUri: settings.redirectUri,
      scopes: [...SLACK_BOT_SCOPES],
      installationStore: boltStore,
      installerOptions: {
        directInstall: true,
        installPath: SLACK_INSTALL_PATH,
        redirectUriPath: SLACK_REDIRECT_PATH,
        // The code is exchanged and the new token checked (auth.test) on SLACK_API_URL, like every other call.
        clientOptions,
        callbackOptions: {
          successAsync: async (installation, _options, _req, res) =>
            sendInstalledPage(res, installation.team?.name ?? installation.enterprise?.name ?? installation.team?.id ?? ""),
          failureAsync: async (error, _options, _req, res) => {
            ctx.log.warn(`slack: an installation did not complete (${error.code}): ${error.message}`);
            sendInstallFailedPage(res, error.code, error.message, SLACK_INSTALL_PATH);
          },
        },
      },
    },
    register(app, routes, listener) {
      routes.add("GET", SLACK_INSTALL_PATH, listener);
      routes.add("GET", SLACK_REDIRECT_PATH, listener);
      app.event("app_uninstalled", async ({ context }) => {
        await uninstall(queryOf(context), "app_uninstalled");
      });
      app.event("tokens_revoked", async ({ event, context }) => {
        // Only the bot's token is kept; a revoked user token changes nothing here.
        if ((event.tokens.bot ?? []).length > 0) await uninstall(queryOf(context), "tokens_revoked");
      });
    },
    credentials: (singleStatus) => {
      if (active > 0 || singleStatus?.ok) return { ok: true };
      const none = `no workspace has installed homevisit yet: open ${installUrl}`;
      return { ok: false, problem: singleStatus?.problem ? `${none}; and ${singleStatus.problem}` : none };
    },
    stop: () => clearInterval(recheck),
  };
}

function queryOf(context: { teamId?: string; enterpriseId?: string; isEnterpriseInstall?: boolean }): WorkspaceQuery {
  return { teamId: context.teamId, enterpriseId: context.enterpriseId, isEnterpriseInstall: context.isEnterpriseInstall };
}

function singleInstallation(query: InstallationQuery<boolean>, single: SingleToken): Installation<"v2", boolean> {
  return {
    team: query.teamId ? { id: query.teamId } : undefined,
    enterprise: query.enterpriseId ? { id: query.enterpriseId } : undefined,
    user: { id: "", token: undefined, scopes: undefined },
    bot: { id: single.botId ?? "", userId: single.botUserId ?? "", token: single.token, scopes: [] },
    isEnterpriseInstall: query.isEnterpriseInstall,
    authVersion: "v2",
  } as Installation<"v2", boolean>;
}
