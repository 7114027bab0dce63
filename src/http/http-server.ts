import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** The one HTTP server: Slack, Teams, the console and /healthz all hang off it. */
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
    return (
      this.exact.get(`${method} ${path}`) ??
      this.prefixes.find((route) => route.method === method && path.startsWith(route.prefix))?.handler
    );
  }
}

export function createHttpServer(routes: HttpRoutes, onError: (error: unknown) => void): Server {
  return createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const handler = routes.find(req.method ?? "GET", path);
    if (!handler) {
      sendJson(res, 404, { error: "not-found", message: `No route for ${req.method} ${path}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((error: unknown) => {
        onError(error);
        if (!res.headersSent) sendJson(res, 500, { error: "internal", message: "Something went wrong; it has been logged." });
        else res.end();
      });
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(body));
}

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
