import { z } from "zod";
import { schoolIdSchema } from "../domain/school.js";
import type { LogSettings } from "../observability/logger.js";
import { ConfigError, formatIssues } from "./config-error.js";
import { encryptionKeySchema, encryptionKeysSchema } from "./encryption-key.js";

const flag = z
  .enum(["true", "false", "1", "0", "on", "off", "yes", "no", ""])
  .optional()
  .transform((value) => value === "true" || value === "1" || value === "on" || value === "yes");

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value?.trim() ? value.trim() : undefined));

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  HOST: z.string().default("0.0.0.0"),
  DATABASE_URL: optionalText.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://")
      .optional(),
  ),
  DATA_DIR: z.string().default("./data"),
  POLICY_FILE: z.string().default("policies/default.yaml"),
  SCHOOL_FILE: z.string().default("schools/demo.yaml"),
  SCHOOL_ID: schoolIdSchema.default("default"),
  SLACK_BOT_TOKEN: optionalText,
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_API_URL: optionalText.pipe(z.url("must be a URL, e.g. https://slack.com/api/").optional()),
  SLACK_CLIENT_ID: optionalText,
  SLACK_CLIENT_SECRET: optionalText,
  SLACK_STATE_SECRET: optionalText,
  TOKEN_ENCRYPTION_KEY: optionalText.pipe(encryptionKeySchema.optional()),
  TOKEN_ENCRYPTION_OLD_KEYS: optionalText.pipe(encryptionKeysSchema.optional()),
  CLIENT_ID: optionalText,
  CLIENT_SECRET: optionalText,
  TENANT_ID: optionalText,
  TEAMS_ALLOW_UNAUTHENTICATED: flag,
  TEAMS_SERVICE_URL: optionalText,
  CONSOLE: z.enum(["on", "off", "auto"]).default("auto"),
  TICK_SECONDS: z.coerce.number().min(1).max(60).default(5),
  PUBLIC_URL: optionalText.pipe(z.url("must be a URL, e.g. https://homevisit.school.example").optional()),
  CONSOLE_REMOTE: flag,
  SHUTDOWN_SECONDS: z.coerce.number().min(1).max(300).default(10),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent", ""]).optional(),
  LOG_FORMAT: z.enum(["json", "pretty", ""]).optional(),
  DATABASE_TIMEOUT_SECONDS: z.coerce.number().min(0.2).max(60).default(2),
  DELIVERY_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(4),
  ATTENDANCE_MAPPING_FILE: z.string().default("attendance/mappings/default.yaml"),
  ATTENDANCE_CHECK_AT: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "use 24-hour HH:MM, e.g. 10:00")
    .default("10:00"),
  WONDE_TOKEN: optionalText,
  WONDE_SCHOOL_ID: optionalText,
  WONDE_API_URL: optionalText.pipe(z.url("must be a URL, e.g. https://api.wonde.com/v1.0/").optional()),
});

export interface Config {
  nodeEnv: "development" | "production" | "test";
  port: number;
  host: string;
  database: { kind: "postgres"; url: string } | { kind: "pglite"; dataDir: string };
  policyFile: string;
  schoolFile: string;
  /** The school POLICY_FILE and SCHOOL_FILE describe, and this process serves. */
  schoolId: string;
  /**
   * Slack with one workspace's bot token, with "Add to Slack" (OAuth: one installation per
   * workspace), or both (the token then serves the workspaces that have not installed).
   */
  slack: { token?: string; signingSecret: string; apiUrl?: string; oauth?: SlackOAuthSettings } | null;
  teams: {
    clientId?: string;
    clientSecret?: string;
    tenantId?: string;
    allowUnauthenticated: boolean;
    serviceUrl?: string;
  } | null;
  console: "on" | "off" | "auto";
  /** CONSOLE_REMOTE=true: the console answers beyond this machine (never in production). */
  consoleRemote: boolean;
  tickSeconds: number;
  /** SIGTERM to exit 0 within this many seconds, whatever the platforms or the database are doing. */
  shutdownSeconds: number;
  log: LogSettings;
  /** Connect and query timeout towards PostgreSQL (ms): past it a use case fails fast and says so. */
  databaseTimeoutMs: number;
  /** Sends in flight at once per platform. */
  deliveryConcurrency: number;
  /** Where people reach this server (for download links); defaults to http://localhost:PORT. */
  publicUrl: string;
  /** Attendance: how register exports are read, when the triggers are looked at, and Wonde. */
  attendance: {
    mappingFile: string;
    /** HH:MM school time, each school day: the Wonde sync (if on), the triggers and the follow-ups. */
    checkAt: string;
    wonde: { token: string; schoolId: string; apiUrl: string } | null;
  };
  /** Why a platform is off, for the start-up summary. */
  notes: string[];
}

export interface SlackOAuthSettings {
  clientId: string;
  clientSecret: string;
  stateSecret: string;
  /** PUBLIC_URL + /slack/oauth_redirect: Slack sends the installer back here. */
  redirectUri: string;
  /** Seals the bot tokens in the database: the first is current, the rest only read older rows. */
  encryptionKeys: Buffer[];
}

/** Parses every setting once. Tests pass their own env; nothing else reads process.env. */
export function loadConfig(env: Record<string, string | undefined>): Readonly<Config> {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(formatIssues("The environment (.env)", parsed.error.issues));
  const e = parsed.data;
  const notes: string[] = [];

  const slack = slackSettings(e, notes);

  let teams: Config["teams"] = null;
  const hasCredentials = !!(e.CLIENT_ID && e.CLIENT_SECRET);
  if (e.TEAMS_ALLOW_UNAUTHENTICATED && e.NODE_ENV === "production")
    throw new ConfigError(
      "TEAMS_ALLOW_UNAUTHENTICATED=true is refused when NODE_ENV=production: set CLIENT_ID, CLIENT_SECRET and TENANT_ID.",
    );
  if (e.CLIENT_ID && !e.CLIENT_SECRET)
    throw new ConfigError("CLIENT_SECRET is required with CLIENT_ID (the Teams bot's app registration secret).");
  if (hasCredentials || e.TEAMS_ALLOW_UNAUTHENTICATED) {
    teams = {
      clientId: e.CLIENT_ID,
      clientSecret: e.CLIENT_SECRET,
      tenantId: e.TENANT_ID,
      allowUnauthenticated: !hasCredentials && e.TEAMS_ALLOW_UNAUTHENTICATED,
      serviceUrl: e.TEAMS_SERVICE_URL,
    };
  } else {
    notes.push("Teams: off (set CLIENT_ID, CLIENT_SECRET and TENANT_ID to turn it on)");
  }

  if (!!e.WONDE_TOKEN !== !!e.WONDE_SCHOOL_ID)
    throw new ConfigError(
      "WONDE_TOKEN and WONDE_SCHOOL_ID go together: the school's Wonde id (e.g. A1234567890) and your Wonde API token.",
    );

  const production = e.NODE_ENV === "production";
  if (production && !e.PUBLIC_URL)
    throw new ConfigError(
      "PUBLIC_URL is required when NODE_ENV=production: the https address staff reach this server at (export links), e.g. https://homevisit.school.example.",
    );
  if (production && e.CONSOLE_REMOTE)
    throw new ConfigError(
      "CONSOLE_REMOTE=true is refused when NODE_ENV=production: the console lets whoever reaches it act as anyone in the school.",
    );

  const config: Config = {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    database: e.DATABASE_URL ? { kind: "postgres", url: e.DATABASE_URL } : { kind: "pglite", dataDir: e.DATA_DIR },
    policyFile: e.POLICY_FILE,
    schoolFile: e.SCHOOL_FILE,
    schoolId: e.SCHOOL_ID,
    slack,
    teams,
    console: e.CONSOLE,
    consoleRemote: e.CONSOLE_REMOTE,
    tickSeconds: e.TICK_SECONDS,
    shutdownSeconds: e.SHUTDOWN_SECONDS,
    log: {
      level: e.LOG_LEVEL || (e.NODE_ENV === "test" ? "silent" : "info"),
      format: e.LOG_FORMAT || (production ? "json" : "pretty"),
    },
    databaseTimeoutMs: Math.round(e.DATABASE_TIMEOUT_SECONDS * 1000),
    deliveryConcurrency: e.DELIVERY_CONCURRENCY,
    publicUrl: publicUrlOf(e),
    attendance: {
      mappingFile: e.ATTENDANCE_MAPPING_FILE,
      checkAt: e.ATTENDANCE_CHECK_AT,
      wonde:
        e.WONDE_TOKEN && e.WONDE_SCHOOL_ID
          ? { token: e.WONDE_TOKEN, schoolId: e.WONDE_SCHOOL_ID, apiUrl: e.WONDE_API_URL ?? "https://api.wonde.com/v1.0/" }
          : null,
    },
    notes,
  };
  return Object.freeze(config);
}

type Env = z.infer<typeof envSchema>;

const publicUrlOf = (e: Env) => e.PUBLIC_URL ?? `http://localhost:${e.PORT}`;

const OAUTH_VARS = ["SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_STATE_SECRET"] as const;

function slackSettings(e: Env, notes: string[]): Config["slack"] {
  const oauthSet = OAUTH_VARS.filter((name) => e[name]);
  if (!e.SLACK_BOT_TOKEN && oauthSet.length === 0) {
    notes.push(
      "Slack: off (set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET, or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET for Add to Slack)",
    );
    return null;
  }
  if (!e.SLACK_SIGNING_SECRET)
    throw new ConfigError(
      `SLACK_SIGNING_SECRET is required with ${e.SLACK_BOT_TOKEN ? "SLACK_BOT_TOKEN" : oauthSet.join(", ")} (Slack app > Basic Information > Signing Secret).`,
    );
  const slack: NonNullable<Config["slack"]> = {
    token: e.SLACK_BOT_TOKEN,
    signingSecret: e.SLACK_SIGNING_SECRET,
    apiUrl: e.SLACK_API_URL,
  };
  if (oauthSet.length === 0) return slack;
  const missing = OAUTH_VARS.filter((name) => !e[name]);
  if (missing.length > 0)
    throw new ConfigError(
      `Add to Slack needs ${OAUTH_VARS.join(", ")} together; ${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} missing (Slack app > Basic Information > App Credentials; the state secret is any long random text, e.g. \`openssl rand -hex 32\`).`,
    );
  if (!e.TOKEN_ENCRYPTION_KEY)
    throw new ConfigError(
      "TOKEN_ENCRYPTION_KEY is required with SLACK_CLIENT_ID: it encrypts each workspace's bot token in the database. Make one with `openssl rand -base64 32` and keep it safe (losing it means every workspace installs again).",
    );
  slack.oauth = {
    clientId: e.SLACK_CLIENT_ID as string,
    clientSecret: e.SLACK_CLIENT_SECRET as string,
    stateSecret: e.SLACK_STATE_SECRET as string,
    redirectUri: `${publicUrlOf(e).replace(/\/+$/, "")}/slack/oauth_redirect`,
    encryptionKeys: [e.TOKEN_ENCRYPTION_KEY, ...(e.TOKEN_ENCRYPTION_OLD_KEYS ?? [])],
  };
  return slack;
}
