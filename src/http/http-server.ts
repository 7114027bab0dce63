import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Logger } from "../app/app-context.js";
import { runWithLogContext } from "../observability/log-context.js";
import { observeRequest } from "../observability/metrics.js";

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** The one HTTP server: Slack, Teams, the console, /healthz, /readyz and /metrics all hang off it. */
export class HttpRoutes {
  private readonly exact = new Map<string, RouteHandler>();
  private readonly prefixes: { method: string; prefix: string; handler: RouteHandler }[] = [];

  add(method: string, path: string, handler: RouteHandler): void {
    this.exact.set(`${method} ${path}`, handler);
  }

  addPrefix(method: string, prefix: string, handler: RouteHandler): void {
    this.prefixes.push({ method, prefix, handler });
  }

  find(method: string, path: string): RouteHandler | undefined {
    return this.match(method, path)?.handler;
  }

  /** The handler and the route it was registered under (the label for metrics: never a raw path). */
  match(method: string, path: string): { handler: RouteHandler; route: string } | undefined {
    const exact = this.exact.get(`${method} ${path}`);
    if (exact) return { handler: exact, route: path };
    const prefixed = this.prefixes.find((route) => route.method === method && path.startsWith(route.prefix));
    return prefixed ? { handler: prefixed.handler, route: `${prefixed.prefix}*` } : undefined;
  }
}

export interface HttpServer {
  server: Server;
  /**
   * Stops accepting connections, lets the requests in flight finish (their connections then
   * close), and at `deadline` (ms since the epoch) cuts whatever is left, e.g. a half-sent request.
   */
  drain(deadline: number): Promise<void>;
}

// A client that sends its headers and then nothing cannot hold a request open for ever.
const REQUEST_TIMEOUT_MS = 30_000;

export function createHttpServer(routes: HttpRoutes, log: Logger): HttpServer {
  let inFlight = 0;
  let draining = false;
  const server = createServer((req, res) => {
    const started = process.hrtime.bigint();
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const method = req.method ?? "GET";
    const found = routes.match(method, path);
    const requestId = incomingRequestId(req.headers["x-request-id"]) ?? randomUUID();
    inFlight++;
    res.setHeader("x-request-id", requestId);
    keepAliveOnlyWhenRead(req, res);
    // While shutting down, every answer closes its connection: nothing new arrives on it.
    if (draining) res.setHeader("connection", "close");
    res.on("close", () => {
      inFlight--;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      observeRequest(method, found?.route ?? "unmatched", res.statusCode, seconds);
    });
    runWithLogContext({ requestId }, () => {
      if (!found) {
        sendJson(res, 404, { error: "not-found", message: `No route for ${method} ${path}` });
        return;
      }
      Promise.resolve()
        .then(() => found.handler(req, res))
        .catch((error: unknown) => {
          log.error(`request failed: ${method} ${found.route}`, { err: error });
          if (!res.headersSent) sendJson(res, 500, { error: "internal", message: "Something went wrong; it has been logged." });
          else res.end();
        });
    });
  });
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.headersTimeout = Math.min(server.headersTimeout, REQUEST_TIMEOUT_MS);

  const drain = async (deadline: number): Promise<void> => {
    draining = true;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Idle keep-alive connections go now; busy ones as soon as their answer is written.
    while (inFlight > 0 && Date.now() < deadline) {
      server.closeIdleConnections();
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    server.closeAllConnections();
    await closed;
  };
  return { server, drain };
}

/**
 * An answer written before the request's body was read to the end (too large, refused early) says
 * `Connection: close`: the client must not send its next request on a connection we are about to
 * drop (it would meet a reset).
 */
function keepAliveOnlyWhenRead(req: IncomingMessage, res: ServerResponse): void {
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  (res as unknown as { writeHead: (...args: unknown[]) => ServerResponse }).writeHead = (...args: unknown[]) => {
    if (!req.complete) res.shouldKeepAlive = false;
    return writeHead(...args);
  };
}

function incomingRequestId(header: string | string[] | undefined): string | undefined {
  return typeof header === "string" && /^[A-Za-z0-9._:-]{1,64}$/.test(header) ? header : undefined;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(body));
}

/** The request body as UTF-8 text; past `limit` bytes it fails (the caller answers 400 or 413). */
export async function readBody(req: IncomingMessage, limit = 1_000_000): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error("request body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}
