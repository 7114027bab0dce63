import { App } from "@microsoft/teams.apps";
import type { ILogger } from "@microsoft/teams.common";
import type { AdapterFactory, Logger } from "../../app/ports.js";
import { TeamsBindings } from "./bindings.js";
import { errorResponse, onCardAction } from "./card-actions.js";
import { TeamsConnector } from "./connector.js";
import { type InboundActivity, parseInbound } from "./inbound.js";
import { onConversationUpdate, onMessage } from "./message-handler.js";
import { RoutesBridge } from "./routes-bridge.js";
import { reply, type TeamsContext } from "./teams-context.js";
import { createTeamsDelivery } from "./teams-delivery.js";

const NOT_RECORDED = "Sorry, homevisit could not record that just now. Please send it again, or phone the school office.";

/** Outbound connector calls give up after this; the outbox retries them. */
const CONNECTOR_TIMEOUT_MS = 15_000;

/**
 * Microsoft Teams, through the Teams SDK (@microsoft/teams.apps 2.0.16) on our HTTP server at
 * POST /api/messages. On with CLIENT_ID + CLIENT_SECRET (+ TENANT_ID), when every request must carry
 * a valid Bot Framework token; or, for the Agents Playground and local tries only, with
 * TEAMS_ALLOW_UNAUTHENTICATED=true and no credentials. Otherwise off (null).
 */
export const createTeamsAdapter: AdapterFactory = async ({ ctx, routes, config }) => {
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

  const app = new App({
    httpServerAdapter: new RoutesBridge(routes, ctx.log),
    logger: sdkLogger(ctx.log),
    // Explicit values, so the SDK never falls back to its own environment variables.
    clientId: teams.clientId ?? "",
    clientSecret: teams.clientSecret ?? "",
    tenantId: teams.tenantId ?? "",
    dangerouslyAllowUnauthenticatedRequests: unauthenticated,
    // Unset: the SDK reads SERVICE_URL, else https://smba.trafficmanager.net/teams.
    ...(teams.serviceUrl ? { serviceUrl: teams.serviceUrl } : {}),
  });
  // With credentials, app.api.http adds the bot token to every call; without, no Authorization header.
  const http = (credentials ? app.api.http : app.client).clone({ timeout: CONNECTOR_TIMEOUT_MS });
  const connector = new TeamsConnector(http, app.api.serviceUrl);
  const bindings = new TeamsBindings(ctx.store, ctx.directory);
  const t: TeamsContext = { ctx, connector, bindings, tenantId: teams.tenantId, serialise: serialiser() };

  const parsed = (activity: unknown, what: string): InboundActivity | null => {
    const inbound = parseInbound(activity);
    if (!inbound) ctx.log.warn(`teams: a ${what} activity without the fields homevisit reads was ignored`);
    return inbound;
  };
  app.on("message", async ({ activity }) => {
    const inbound = parsed(activity, "message");
    if (!inbound) return;
    try {
      await onMessage(t, inbound);
    } catch (error) {
      ctx.log.error("teams: message failed", { error: String(error) });
      // A check-in that was not recorded must not look as if it was.
      await reply(t, inbound, NOT_RECORDED).catch(() => undefined);
    }
  });
  app.on("conversationUpdate", async ({ activity }) => {
    const inbound = parsed(activity, "conversation update");
    if (!inbound) return;
    try {
      await onConversationUpdate(t, inbound);
    } catch (error) {
      ctx.log.error("teams: conversation update failed", { error: String(error) });
    }
  });
  app.on("card.action", async ({ activity }) => {
    const inbound = parsed(activity, "card action");
    return inbound ? onCardAction(t, inbound) : errorResponse("This button sent nothing homevisit can read.", "invalid-request");
  });
  app.event("error", ({ error }) => ctx.log.error("teams: SDK error", { error: String(error) }));

  await app.initialize();
  return {
    platform: "teams",
    delivery: createTeamsDelivery({ connector, bindings, directory: ctx.directory, tenantId: teams.tenantId }),
  };
};

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
