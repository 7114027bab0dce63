import type { IncomingMessage, ServerResponse } from "node:http";
import { App, HTTPModuleFunctions, HTTPReceiver, isRawBodyError, type Logger, LogLevel, webApi } from "@slack/bolt";
import { type AppContext, type Logger as AppLogger, silentLogger } from "../../app/app-context.js";
import { placeInstall } from "../../app/interactions/set-up-school.js";
import type { AdapterFactory, PlatformAdapter } from "../../app/ports.js";
import { soleSchool } from "../../app/school-registry.js";
import type { CredentialStatus } from "../../http/readiness.js";
import { registerActions } from "./handle-actions.js";
import { registerCommand } from "./handle-command.js";
import { registerMessages } from "./handle-messages.js";
import { registerViews } from "./handle-views.js";
import { routeToSchool } from "./school-middleware.js";
import { createSlackDelivery, inWorkspaceOf } from "./slack-delivery.js";
import { setUpSlackOAuth } from "./slack-oauth.js";
import { followSlackGroups } from "./slack-people.js";
import { isSignedBySlack } from "./verify-signature.js";

/** Slash commands, interactivity and events all arrive here (see manifests/slack/manifest.yaml). */
export const SLACK_EVENTS_PATH = "/slack/events";
const DEFAULT_API_URL = "https://slack.com/api/";
const BODY_LIMIT = 4 * 1024 * 1024;
const CREDENTIAL_RECHECK_MS = 60_000;

export interface SlackAdapter extends PlatformAdapter {
  platform: "slack";
  /** Resolves once every request being handled now has finished (tests, benchmarks, shutdown). */
  settled(): Promise<void>;
}

/**
 * The Slack side of the bot, on the app's own HTTP server: Bolt does the parsing and routing, we
 * check the signature first (rejecting stale and future timestamps), and hand nothing to Bolt's
 * own server. With SLACK_CLIENT_ID (and the rest) it is installed per workspace with "Add to Slack"
 * (slack-oauth.ts). Off (null) without SLACK_BOT_TOKEN or SLACK_CLIENT_ID.
 */
export const createSlackAdapter: AdapterFactory = async ({ ctx, routes, config, schools }) => {
  const settings = config.slack;
  if (!settings) return null;

  const clientOptions = slackClientOptions(settings.apiUrl, ctx.log);
  const single = settings.token ? await watchToken(new webApi.WebClient(settings.token, clientOptions), ctx) : null;
  const oauth = settings.oauth
    ? await setUpSlackOAuth({
        ctx,
        settings: settings.oauth,
        clientOptions,
        publicUrl: config.publicUrl,
        single:
          single && settings.token ? { client: single.client, token: { token: settings.token, ...single.identity } } : undefined,
      })
    : null;
  // SLACK_BOT_TOKEN's workspace is the home school's, unless it already belongs to schools of its own.
  if (single?.identity.teamId) await placeInstall(ctx, "slack", single.identity.teamId).catch(() => undefined);
  const receiver = new HTTPReceiver({
    signingSecret: settings.signingSecret,
    endpoints: [SLACK_EVENTS_PATH],
    logger: boltLogger(ctx.log),
    processBeforeResponse: false,
    ...oauth?.receiverOptions,
  });
  // With OAuth, Bolt's installer authorizes each request with its workspace's token (our
  // InstallationStore); otherwise the single token. Passing the bot's ids stops Bolt calling
  // auth.test on its own (unawaited: a crash if Slack is unreachable).
  const app = new App({
    ...(oauth ? {} : { token: settings.token, botId: single?.identity.botId, botUserId: single?.identity.botUserId }),
    receiver,
    logger: boltLogger(ctx.log),
    clientOptions,
    convoStore: false,
  });

  // Bolt answers Slack (ack) before a handler finishes; keep each unfinished request, so tests,
  // benchmarks and shutdown can wait for the work behind the answer.
  const inFlight = new Set<Promise<unknown>>();
  const processEvent = app.processEvent.bind(app);
  app.processEvent = (event) => {
    const work = processEvent(event);
    inFlight.add(work);
    void work.catch(() => {}).finally(() => inFlight.delete(work));
    return work;
  };
  app.error(async (error) => {
    ctx.log.error("slack: a handler failed", { err: error });
  });

  const resolver = schools ?? soleSchool(ctx);
  routeToSchool(app, resolver, ctx);
  // Roles bound to Slack user groups follow them, in every school (nothing is read while none is bound).
  const stopFollowing = followSlackGroups(app.client, () => resolver.all());
  registerCommand(app, ctx);
  registerActions(app, ctx);
  registerViews(app, ctx);
  registerMessages(app, ctx, single?.identity.botUserId);
  oauth?.register(app, routes, receiver.requestListener);

  routes.add("POST", SLACK_EVENTS_PATH, (req, res) => receive(req, res, receiver, settings.signingSecret));

  const settled = async () => {
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  };
  const delivery = createSlackDelivery(oauth ? oauth.clients : app.client);
  const adapter: SlackAdapter = {
    platform: "slack",
    delivery,
    // A school posts with its own workspace's token (the one it was set up in).
    deliveryFor: (school) => inWorkspaceOf(school, delivery),
    settled,
    credentials: () => (oauth ? oauth.credentials(single?.status()) : (single?.status() ?? { ok: false })),
    stop: async (deadline) => {
      stopFollowing();
      single?.stop();
      oauth?.stop();
      const until = (deadline ?? Date.now() + 10_000) - Date.now();
      await Promise.race([settled(), new Promise((resolve) => setTimeout(resolve, Math.max(0, until)).unref())]);
    },
  };
  return adapter;
};

/**
 * The outbox retries with backoff and honours Retry-After itself, so the Web API client never
 * waits or retries: a 429 fails at once with its Retry-After, a 5xx after one attempt.
 */
export function slackClientOptions(apiUrl: string | undefined, log: AppLogger = silentLogger): webApi.WebClientOptions {
  return {
    slackApiUrl: apiUrl ?? DEFAULT_API_URL,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
    logger: boltLogger(log),
  };
}

/** Checks the signature before Bolt sees anything; a bad or stale one is a 401 and nothing runs. */
async function receive(req: IncomingMessage, res: ServerResponse, receiver: HTTPReceiver, signingSecret: string): Promise<void> {
  let buffered: Awaited<ReturnType<typeof HTTPModuleFunctions.bufferIncomingMessage>>;
  try {
    buffered = await HTTPModuleFunctions.bufferIncomingMessage(req, BODY_LIMIT);
  } catch (error) {
    res.writeHead(isRawBodyError(error) && error.statusCode === 413 ? 413 : 400, { connection: "close" }).end();
    return;
  }
  const raw = buffered.rawBody.toString("utf8");
  const form = (req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded");
  if (!isSignedBySlack(req.headers, raw, signingSecret)) {
    // Slack's certificate check is unsigned and carries no command; it only needs a 200.
    const sslCheck = form && new URLSearchParams(raw).get("ssl_check") === "1";
    res.writeHead(sslCheck ? 200 : 401).end();
    return;
  }
  // Bolt parses the body again and reads fields of whatever it gets: a correctly signed `null`,
  // `[]` or `payload=null` would throw inside it and stop the process. Only an object gets through.
  if (!isSlackBody(raw, form)) {
    res.writeHead(400, { "content-type": "text/plain; charset=utf-8" }).end("The body must be a JSON object or a Slack form.");
    return;
  }
  // Bolt recognises forms only by this exact header (a "; charset=…" would be read as JSON).
  if (form) buffered.headers["content-type"] = "application/x-www-form-urlencoded";
  receiver.requestListener(buffered, res);
}

/** The Events API's JSON bodies, and the interactivity payloads whose parts Bolt reads without checking. */
const EVENT_TYPES = new Set(["url_verification", "event_callback", "app_rate_limited"]);

/**
 * What Bolt's parser will make of the body is shaped as Slack sends it: a JSON event with its
 * event, a slash command's form, or an interactivity payload with the parts Bolt reads (the view
 * of a view submission, the actions of a button press). Anything else is answered 400.
 */
export function isSlackBody(raw: string, form: boolean): boolean {
  try {
    if (!form) {
      const body = JSON.parse(raw) as Record<string, unknown>;
      if (!isPlainObject(body) || typeof body.type !== "string" || !EVENT_TYPES.has(body.type)) return false;
      return (
        body.type !== "event_callback" ||
        (isPlainObject(body.event) && typeof (body.event as { type?: unknown }).type === "string")
      );
    }
    const fields = new URLSearchParams(raw);
    const payloads = fields.getAll("payload");
    if (payloads.length > 1) return false;
    if (payloads.length === 0) return true;
    const payload = JSON.parse(payloads[0] as string) as Record<string, unknown>;
    if (!isPlainObject(payload) || typeof payload.type !== "string") return false;
    if (payload.type.startsWith("view_")) return isPlainObject(payload.view) && isPlainObject(payload.user);
    if (payload.type === "block_actions") return Array.isArray(payload.actions) && isPlainObject(payload.user);
    return true;
  } catch {
    return false;
  }
}

function isPlainObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Checks SLACK_BOT_TOKEN at start; if Slack is unreachable or refuses it, again every minute until it works. */
async function watchToken(client: webApi.WebClient, ctx: AppContext) {
  const check = await whoAmI(client, ctx);
  let status = check.status;
  const recheck = setInterval(() => {
    if (status.ok) return clearInterval(recheck);
    void whoAmI(client, ctx, true).then((again) => {
      status = again.status;
    });
  }, CREDENTIAL_RECHECK_MS);
  recheck.unref();
  return { client, identity: check.identity, status: () => status, stop: () => clearInterval(recheck) };
}

/**
 * The bot's own ids, so Bolt can ignore our own messages, and whether the token works (/readyz).
 * Slack being down or the token refused must not stop the app: messages wait in the outbox.
 */
async function whoAmI(
  client: webApi.WebClient,
  ctx: AppContext,
  quiet = false,
): Promise<{ identity: { botId?: string; botUserId?: string; teamId?: string }; status: CredentialStatus }> {
  try {
    const auth = await client.auth.test();
    if (quiet) ctx.log.info("slack: auth.test works again");
    return { identity: { botId: auth.bot_id, botUserId: auth.user_id, teamId: auth.team_id }, status: { ok: true } };
  } catch (error) {
    const code = error instanceof webApi.WebAPIPlatformError ? error.data.error : String(error);
    const fix = /invalid_auth|not_authed|token_revoked|token_expired|account_inactive/.test(code)
      ? "Slack refused SLACK_BOT_TOKEN: copy the Bot User OAuth Token (xoxb-…) again from the Slack app's OAuth & Permissions page"
      : "Slack could not be reached";
    const problem = `auth.test failed (${code}): ${fix}; messages wait in the outbox meanwhile`;
    if (!quiet) ctx.log.error(`slack: ${problem}`);
    return { identity: { botId: "B_UNKNOWN", botUserId: "U_UNKNOWN" }, status: { ok: false, problem } };
  }
}

function boltLogger(log: AppLogger): Logger {
  let level = LogLevel.WARN;
  let name = "bolt";
  const text = (parts: unknown[]) => `slack (${name}): ${parts.map(String).join(" ")}`;
  return {
    debug: () => {},
    info: () => {},
    warn: (...parts: unknown[]) => log.warn(text(parts)),
    error: (...parts: unknown[]) => log.error(text(parts)),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: (next: string) => {
      name = next;
    },
  };
}
