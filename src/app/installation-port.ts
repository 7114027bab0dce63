/**
 * A Slack workspace (or Enterprise Grid org) that installed homevisit with "Add to Slack", as
 * stored: the bot token only ever sealed (see src/persistence/token-cipher.ts).
 */
export interface SlackInstallationRow {
  /** "team:T…" for a workspace install, "enterprise:E…" for an org-wide install. */
  id: string;
  teamId: string | null;
  teamName: string | null;
  enterpriseId: string | null;
  enterpriseName: string | null;
  isEnterpriseInstall: boolean;
  appId: string | null;
  botId: string;
  botUserId: string;
  botScopes: string[];
  installerUserId: string | null;
  /** Sealed; null once revoked. */
  botToken: string | null;
  keyId: string | null;
  installedAt: Date;
  updatedAt: Date;
  revokedAt: Date | null;
}

/** The deployment's Slack installations: not a school's rows (one workspace can hold several schools). */
export interface SlackInstallationRows {
  /** Adds the installation, or replaces it (a reinstall also undoes a revocation). */
  save(row: SlackInstallationRow): Promise<void>;
  find(id: string): Promise<SlackInstallationRow | null>;
  /** Deletes the token and marks it revoked at `at`; false when there was nothing active to revoke. */
  revoke(id: string, at: Date): Promise<boolean>;
  /** Every installation, revoked ones too, the most recently changed first. */
  list(): Promise<SlackInstallationRow[]>;
}
