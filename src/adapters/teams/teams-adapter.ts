import { PUBLIC } from "@microsoft/teams.api";
import { App } from "@microsoft/teams.apps";
import type { ILogger } from "@microsoft/teams.common";
import { NOT_RECORDED } from "../../app/messages/error-text.js";
import type { AdapterFactory, AppContext, Logger } from "../../app/ports.js";
import { soleSchool } from "../../app/school-registry.js";
import type { CredentialStatus } from "../../http/readiness.js";
import { TeamsBindings } from "./bindings.js";
import { errorResponse, onCardAction } from "./card-actions.js";
import { TeamsConnector } from "./connector.js";
import { type InboundActivity, parseInbound, teamsInbound } from "./inbound.js";
import { onConversationUpdate, onMessage } from "./message-handler.js";
import { RoutesBridge } from "./routes-bridge.js";
import { reply, type TeamsContext } from "./teams-context.js";
import { createTeamsDelivery } from "./teams-delivery.js";

/** Outbound connector calls give up after this; the outbox retries them. */
const CONNECTOR_TIMEOUT_MS = 15_000;
/** The start-up token request, and while it fails, how often it is tried again. */
const TOKEN_TIMEOUT_MS = 10_000;
const TOKEN_RECHECK_MS = 60_000;

/** The SDK's App, with its own bot-token call opened up for the start-up check. */
class TeamsApp extends App {
  fetchBotToken(): Promise<unknown> {
    return this.getBotToken();
  }
}

/**
 * Microsoft Teams, through the Teams SDK (@microsoft/teams.apps 2.0.16) on our HTTP server at
 * POST /api/messages. On with CLIENT_ID + CLIENT_SECRET (+ TENANT_ID), when every request must carry
 * a valid Bot Framework token; or, for the Agents Playground and local tries only, with
 * TEAMS_ALLOW_UNAUTHENTICATED=true and no credentials. Otherwise off (null).
 */
export const createTeamsAdapter: AdapterFactory = async ({ ctx, routes, config, schools }) => {
  const teams = config.teams;
  if (!teams) return null;
  const credentials = !!(teams.clientId && teams.clientSecret);
  const unauthenticated = !credentials && teams.allowUnauthenticated;
  if (!credentials && !unauthenticated) return null;
  if (unauthenticated)
    ctx.log.warn(
      "!!! TEAMS_ALLOW_UNAUTHENTICATED=true: POST /api/messages accepts requests WITHOUT a Bot Framework token. " +
        "Anyone who can reach this port can act as any member of staff. Use it only with the Agents Playground on " +
        "your own machine; set CLIENT_ID, CLIENT_SECRET and TENANT_ID for a real Teams tenant. !!!",
    );

  const app = new TeamsApp({
    httpServerAdapter: new RoutesBridge(routes, ctx.log),
    logger: sdkLogger(ctx.log),
    // Explicit values, so the SDK never falls back to its own environment variables.
    clientId: teams.clientId ?? "",
    clientSecret: teams.clientSecret ?? "",
    tenantId: teams.tenantId ?? "",
    dangerouslyAllowUnauthenticatedRequests: unauthenticated,
    // Explicit too: the SDK would otherwise read CLOUD from the environment.
    cloud: PUBLIC,
    // Unset: the SDK reads SERVICE_URL, else https://smba.trafficmanager.net/teams.
    ...(teams.serviceUrl ? { serviceUrl: teams.serviceUrl } : {}),
  });
  // With credentials, app.api.http adds the bot token to every call; without, no Authorization header.
  const http = (credentials ? app.api.http : app.client).clone({ timeout: CONNECTOR_TIMEOUT_MS });
  const connector = new TeamsConnector(http, app.api.serviceUrl);
  // One TeamsContext per school: its store, its people, its remembered conversations.
  const perSchool = new Map<string, TeamsContext>();
  const serialise = serialiser();
  const teamsContextOf = (school: AppContext): TeamsContext => {
    let t = perSchool.get(school.store.school);
    if (!t) {
      const bindings = new TeamsBindings(school.store, school);
      t = { ctx: school, connector, bindings, tenantId: teams.tenantId, serialise };
      perSchool.set(school.store.school, t);
    }
    return t;
  };
  const resolver = schools ?? soleSchool(ctx);
  const route = async (inbound: InboundActivity) =>
    teamsContextOf(await resolver.resolve(teamsInbound(inbound)).catch(() => ctx));

  const parsed = (activity: unknown, what: string): InboundActivity | null => {
    const inbound = parseInbound(activity);
    if (!inbound) ctx.log.warn(`teams: a ${what} activity without the fields homevisit reads was ignored`);
    return inbound;
  };
  app.on("message", async ({ activity }) => {
    const inbound = parsed(activity, "message");
    if (!inbound) return;
    const t = await route(inbound);
    try {
      await onMessage(t, inbound);
    } catch (error) {
      ctx.log.error("teams: message failed", { err: error });
      // A check-in that was not recorded must not look as if it was.
      await reply(t, inbound, NOT_RECORDED).catch(() => undefined);
    }
  });
  app.on("conversationUpdate", async ({ activity }) => {
    const inbound = parsed(activity, "conversation update");
    if (!inbound) return;
    const t = await route(inbound);
    try {
      await onConversationUpdate(t, inbound);
    } catch (error) {
      ctx.log.error("teams: conversation update failed", { err: error });
    }
  });
  app.on("card.action", async ({ activity }) => {
    const inbound = parsed(activity, "card action");
    return inbound
      ? onCardAction(await route(inbound), inbound)
      : errorResponse("This button sent nothing homevisit can read.", "invalid-request");
  });
  app.event("error", ({ error }) => ctx.log.error("teams: SDK error", { err: error }));

  await app.initialize();

  // With credentials, ask Entra for a bot token once now: a wrong secret or tenant shows at start,
  // in the log and on /readyz, not at the first alert. Tried again every minute while it fails.
  let credentialStatus: CredentialStatus = { ok: true };
  let recheck: NodeJS.Timeout | null = null;
  if (credentials) {
    credentialStatus = await checkBotToken(app, ctx.log, teams.tenantId);
    if (!credentialStatus.ok) {
      recheck = setInterval(async () => {
        credentialStatus = await checkBotToken(app, ctx.log, teams.tenantId, true);
        if (credentialStatus.ok && recheck) clearInterval(recheck);
      }, TOKEN_RECHECK_MS);
      recheck.unref();
    }
  }
  const deliveryFor = (school: AppContext) =>
    createTeamsDelivery({ connector, bindings: teamsContextOf(school).bindings, school, tenantId: teams.tenantId });
  return {
    platform: "teams",
    delivery: deliveryFor(ctx),
    deliveryFor,
    credentials: () => credentialStatus,
    stop: async () => {
      if (recheck) clearInterval(recheck);
    },
  };
};

async function checkBotToken(app: TeamsApp, log: Logger, tenantId: string | undefined, quiet = false): Promise<CredentialStatus> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const token = await Promise.race([
      app.fetchBotToken(),
      new Promise((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${TOKEN_TIMEOUT_MS / 1000} s`)), TOKEN_TIMEOUT_MS);
      }),
    ]);
    if (!token) throw new Error("Microsoft Entra returned no token");
    if (quiet) log.info("teams: a bot token was obtained again");
    return { ok: true };
  } catch (error) {
    const detail = (error instanceof Error ? error.message : String(error)).split("\n")[0]?.slice(0, 300);
    const problem = `could not get a bot token from Microsoft Entra (${detail}): check CLIENT_ID, CLIENT_SECRET and TENANT_ID${tenantId ? "" : " (TENANT_ID is not set)"}; messages wait in the outbox meanwhile`;
    if (!quiet) log.error(`teams: ${problem}`);
    return { ok: false, problem };
  } finally {
    clearTimeout(timer);
  }
}

/** The SDK logs through ours: warnings and errors only (its debug output is very chatty). */
function sdkLogger(log: Logger): ILogger {
  const text = (msg: unknown[]) =>
    msg.map((m) => (m instanceof Error ? m.message : typeof m === "string" ? m : safeJson(m))).join(" ");
  const logger: ILogger = {
    debug: () => {},
    info: () => {},
    trace: () => {},
    warn: (...msg) => log.warn(`teams sdk: ${text(msg)}`),
    error: (...msg) => log.error(`teams sdk: ${text(msg)}`),
    log: (level, ...msg) => {
      if (level === "error") log.error(`teams sdk: ${text(msg)}`);
      else if (level === "warn") log.warn(`teams sdk: ${text(msg)}`);
    },
    child: () => logger,
  };
  return logger;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** One piece of work per key at a time, in this process. */
function serialiser(): TeamsContext["serialise"] {
  const running = new Map<string, Promise<unknown>>();
  return async <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const before = running.get(key) ?? Promise.resolve();
    const mine = before.catch(() => undefined).then(work);
    running.set(key, mine);
    try {
      return await mine;
    } finally {
      if (running.get(key) === mine) running.delete(key);
    }
  };
}
