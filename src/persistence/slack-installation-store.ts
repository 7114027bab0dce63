import type { Installation, InstallationQuery, InstallationStore } from "@slack/bolt";
import type { SlackInstallationRow, SlackInstallationRows } from "../app/installation-port.js";
import type { Clock } from "../domain/clock.js";
import type { TokenCipher } from "./token-cipher.js";

/** Which installation serves a workspace (or org), found by its ids. */
export interface WorkspaceQuery {
  teamId?: string;
  enterpriseId?: string;
  isEnterpriseInstall?: boolean;
}

/** A workspace's bot as homevisit uses it: the token opened, or why there is none. */
export type WorkspaceBot =
  | { status: "active"; id: string; teamId: string | null; token: string; botId: string; botUserId: string }
  | { status: "revoked"; id: string; teamId: string | null; teamName: string | null; revokedAt: Date }
  | { status: "unknown" };

/** Bolt's InstallationStore over the SlackInstallation table, plus what delivery and uninstall need. */
export interface SlackInstallationStore extends InstallationStore {
  botFor(query: WorkspaceQuery): Promise<WorkspaceBot>;
  /** Marks the installation revoked and deletes its token; false when it was not active. */
  revoke(query: WorkspaceQuery): Promise<boolean>;
  /** Every installation's bot (revoked ones too), the most recently changed first. */
  listBots(): Promise<WorkspaceBot[]>;
}

const keysFor = (query: WorkspaceQuery): string[] => {
  if (query.isEnterpriseInstall && query.enterpriseId) return [`enterprise:${query.enterpriseId}`];
  // A workspace of an org that installed org-wide is served by the org's installation.
  return [query.teamId ? `team:${query.teamId}` : null, query.enterpriseId ? `enterprise:${query.enterpriseId}` : null].filter(
    (key): key is string => !!key,
  );
};

/**
 * Stores what Slack's OAuth exchange gave (oauth.v2.access) with the bot token sealed; hands
 * Bolt the installation back, opened, for each request from that workspace. Times come from the
 * app's clock. Only bot tokens are kept: homevisit asks for no user scopes.
 */
export function createSlackInstallationStore(
  rows: SlackInstallationRows,
  cipher: TokenCipher,
  clock: Clock,
): SlackInstallationStore {
  const findRow = async (query: WorkspaceQuery): Promise<SlackInstallationRow | null> => {
    for (const key of keysFor(query)) {
      const row = await rows.find(key);
      if (row) return row;
    }
    return null;
  };
  const openToken = async (row: SlackInstallationRow & { botToken: string }): Promise<string> => {
    const token = cipher.open(row.botToken);
    // Rotation: a row sealed with an older key is sealed again with the current one on first use.
    if (row.keyId !== cipher.keyId)
      await rows.save({ ...row, botToken: cipher.seal(token), keyId: cipher.keyId, updatedAt: clock.now() });
    return token;
  };
  const botOf = async (row: SlackInstallationRow): Promise<WorkspaceBot> => {
    if (!row.botToken)
      return {
        status: "revoked",
        id: row.id,
        teamId: row.teamId,
        teamName: row.teamName,
        revokedAt: row.revokedAt ?? row.updatedAt,
      };
    const token = await openToken({ ...row, botToken: row.botToken });
    return { status: "active", id: row.id, teamId: row.teamId, token, botId: row.botId, botUserId: row.botUserId };
  };
  const store: SlackInstallationStore = {
    async storeInstallation(installation) {
      const bot = installation.bot;
      if (!bot) throw new Error("Slack gave no bot token: the app must ask for bot scopes");
      const isEnterpriseInstall = !!installation.isEnterpriseInstall;
      const teamId = installation.team?.id ?? null;
      const enterpriseId = installation.enterprise?.id ?? null;
      const id = isEnterpriseInstall ? `enterprise:${enterpriseId}` : `team:${teamId}`;
      const now = clock.now();
      await rows.save({
        id,
        teamId,
        teamName: installation.team?.name ?? null,
        enterpriseId,
        enterpriseName: installation.enterprise?.name ?? null,
        isEnterpriseInstall,
        appId: installation.appId ?? null,
        botId: bot.id,
        botUserId: bot.userId,
        botScopes: bot.scopes ?? [],
        installerUserId: installation.user?.id ?? null,
        botToken: cipher.seal(bot.token),
        keyId: cipher.keyId,
        installedAt: now,
        updatedAt: now,
        revokedAt: null,
      });
    },
    async fetchInstallation(query: InstallationQuery<boolean>): Promise<Installation<"v2", boolean>> {
      const row = await findRow(query);
      if (!row?.botToken) throw new Error(`homevisit is not installed in Slack workspace ${query.teamId ?? query.enterpriseId}`);
      const token = await openToken({ ...row, botToken: row.botToken });
      return {
        team: row.teamId ? { id: row.teamId, name: row.teamName ?? undefined } : undefined,
        enterprise: row.enterpriseId ? { id: row.enterpriseId, name: row.enterpriseName ?? undefined } : undefined,
        user: { id: row.installerUserId ?? "", token: undefined, scopes: undefined },
        bot: { id: row.botId, userId: row.botUserId, token, scopes: row.botScopes },
        appId: row.appId ?? undefined,
        tokenType: "bot",
        isEnterpriseInstall: row.isEnterpriseInstall,
        authVersion: "v2",
      } as Installation<"v2", boolean>;
    },
    async deleteInstallation(query) {
      await store.revoke(query);
    },
    async botFor(query) {
      const row = await findRow(query);
      return row ? botOf(row) : { status: "unknown" };
    },
    async revoke(query) {
      const row = await findRow(query);
      return row ? rows.revoke(row.id, clock.now()) : false;
    },
    listBots: async () => Promise.all((await rows.list()).map(botOf)),
  };
  return store;
}
