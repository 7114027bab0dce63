import type { HttpMethod, HttpRouteHandler, IHttpServerAdapter } from "@microsoft/teams.apps";
import type { Logger } from "../../app/app-context.js";
import { type HttpRoutes, readBody, sendJson } from "../../http/http-server.js";

/**
 * Lets the Teams SDK live on our one HTTP server. `app.initialize()` registers POST /api/messages
 * here; the SDK's handler is a pure function ({ body, headers }) → { status, body } that already
 * checks the Bot Framework JWT, routes the activity and builds the invoke response.
 * There is no start(): never call app.start(), the server is ours.
 */
export class RoutesBridge implements IHttpServerAdapter {
  constructor(
    private readonly routes: HttpRoutes,
    private readonly log: Logger,
  ) {}

  registerRoute(method: HttpMethod, path: string, handler: HttpRouteHandler): void {
    this.routes.add(method, path, async (req, res) => {
      let body: unknown;
      try {
        body = JSON.parse(await readBody(req));
      } catch {
        body = undefined;
      }
      // The SDK reads fields of whatever it is given: only an activity-shaped object gets through.
      if (!isActivity(body)) {
        sendJson(res, 400, { error: "bad-request", message: "The body must be a JSON Bot Framework activity." });
        return;
      }
      const out = await handler({ body, headers: req.headers as Record<string, string | string[]> });
      if (out.status >= 500) this.log.error("teams: the SDK answered with an error", { status: out.status, body: out.body });
      if (out.body === undefined || out.body === null) res.writeHead(out.status).end();
      else sendJson(res, out.status, out.body);
    });
  }
}

function isActivity(body: unknown): body is Record<string, unknown> {
  return (
    typeof body === "object" && body !== null && !Array.isArray(body) && typeof (body as { type?: unknown }).type === "string"
  );
}
