import type { IncomingMessage } from "node:http";
import type { AdapterFactory } from "../../app/ports.js";
import type { Config } from "../../config/load-config.js";
import { type RouteHandler, readBody, sendJson } from "../../http/http-server.js";
import { act, type ConsoleDeps } from "./console-actions.js";
import { ConsoleInbox } from "./console-inbox.js";
import { consolePage } from "./console-page.js";
import { loadConsoleAssets, serveAsset } from "./console-static.js";
import { consoleState } from "./console-view.js";

/**
 * Whether `npm start` serves the console: CONSOLE=on always, CONSOLE=auto (the default) only when
 * neither Slack nor Teams is configured. main.ts asks this before starting, to give the app the
 * console's clock.
 */
export function shouldServeConsole(config: Pick<Config, "console" | "slack" | "teams">): boolean {
  if (config.console === "on") return true;
  if (config.console === "off") return false;
  return !config.slack && !config.teams;
}

/**
 * The console lets whoever uses it act as anyone in the school, so it answers only this machine
 * (loopback address and Host) unless CONSOLE_REMOTE=true says otherwise (refused in production).
 */
export function loopbackOnly(config: Pick<Config, "consoleRemote">): boolean {
  return !config.consoleRemote;
}

/**
 * The page runs only this server's own script and stylesheet (no inline code, so an HTML
 * injection in a rendered message cannot run), and talks only to this server.
 */
const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

export function isLoopbackAddress(address: string | undefined): boolean {
  return !!address && LOOPBACK.has(address);
}

/** A Host header naming this machine, so a rebound DNS name cannot reach a loopback-only console. */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const name = host.startsWith("[") ? host.slice(0, host.indexOf("]") + 1) : host.replace(/:\d+$/, "");
  return name === "localhost" || name === "127.0.0.1" || name === "[::1]";
}

/** The address to print: what a person types on this machine. */
export function consoleUrl(appUrl: string): string {
  const url = new URL(appUrl);
  if (url.hostname === "127.0.0.1" || url.hostname === "0.0.0.0") url.hostname = "localhost";
  url.pathname = "/";
  return url.toString();
}

/**
 * The local console: a third chat adapter beside Slack and Teams. Its delivery keeps messages in
 * memory; its page lets a person act as anyone in the directory through the same use cases.
 */
export const createConsoleAdapter: AdapterFactory = async ({ ctx, routes, config }) => {
  if (!shouldServeConsole(config)) return null;
  const inbox = new ConsoleInbox(ctx.clock);
  const production = config.nodeEnv === "production";
  const deps: ConsoleDeps = { ctx, inbox, production };
  const restricted = loopbackOnly(config);
  if (!restricted)
    ctx.log.warn(
      "!!! CONSOLE_REMOTE=true: the console answers anyone who can reach this port, and lets them act as anyone in the school. Use it on a trusted network only. !!!",
    );
  const page = consolePage({
    schoolName: ctx.policy.school.name,
    demo: /(^|[\\/])schools[\\/]demo\.yaml$/.test(config.schoolFile),
    production,
  });
  const assets = loadConsoleAssets();

  const guard =
    (handler: RouteHandler): RouteHandler =>
    (req, res) => {
      if (restricted && (!isLoopbackAddress(req.socket.remoteAddress) || !isLoopbackHost(req.headers.host))) {
        sendJson(res, 403, { error: "forbidden", message: "The console only answers on this machine (loopback)." });
        return;
      }
      return handler(req, res);
    };

  routes.add(
    "GET",
    "/",
    guard((_req, res) => {
      res.writeHead(200, {
        "content-type": "text/html; charset=utf-8",
        "cache-control": "no-store",
        "x-frame-options": "DENY",
        "content-security-policy": CONSOLE_CSP,
      });
      res.end(page);
    }),
  );
  for (const asset of assets) routes.add("GET", asset.path, guard(serveAsset(asset)));

  routes.add(
    "GET",
    "/console/state",
    guard((req, res) => {
      const query = new URL(req.url ?? "/", "http://localhost").searchParams;
      res.setHeader("cache-control", "no-store");
      sendJson(res, 200, consoleState(ctx, inbox, query.get("as"), query.get("v"), production));
    }),
  );

  routes.add(
    "POST",
    "/console/act",
    guard(async (req, res) => {
      const refusal = refuseCrossSite(req);
      if (refusal) {
        sendJson(res, refusal.status, { ok: false, note: refusal.message });
        return;
      }
      let body: unknown;
      try {
        body = JSON.parse(await readBody(req, 200_000));
      } catch {
        sendJson(res, 400, { ok: false, note: "The console expects a JSON command." });
        return;
      }
      const result = await act(deps, body);
      sendJson(res, result.status, result.body);
    }),
  );

  return { platform: "console", delivery: inbox };
};

/**
 * Commands come from the console's own page only: JSON (which another site cannot send without
 * asking first) and, when the browser says where it comes from, from this same host.
 */
function refuseCrossSite(req: IncomingMessage): { status: number; message: string } | null {
  const type = req.headers["content-type"] ?? "";
  if (!type.toLowerCase().startsWith("application/json")) return { status: 415, message: "Send commands as application/json." };
  const origin = req.headers.origin;
  if (origin && origin !== "null") {
    let host: string;
    try {
      host = new URL(origin).host;
    } catch {
      return { status: 403, message: "Commands are accepted from the console's own page only." };
    }
    if (host !== req.headers.host) return { status: 403, message: "Commands are accepted from the console's own page only." };
  } else if (origin === "null") {
    return { status: 403, message: "Commands are accepted from the console's own page only." };
  }
  return null;
}
