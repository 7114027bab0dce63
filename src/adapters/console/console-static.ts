import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { RouteHandler } from "../../http/http-server.js";

/** The console page's own files, beside this module (scripts/build.mjs copies them into dist/). */
const STATIC_DIR = new URL("./static/", import.meta.url);

export const CONSOLE_CSS_PATH = "/console/static/console.css";
export const CONSOLE_JS_PATH = "/console/static/console.js";

const ASSETS = [
  { path: CONSOLE_CSS_PATH, file: "console.css", type: "text/css; charset=utf-8" },
  { path: CONSOLE_JS_PATH, file: "console.js", type: "text/javascript; charset=utf-8" },
] as const;

export interface StaticAsset {
  path: string;
  type: string;
  body: Buffer;
  etag: string;
}

/**
 * Reads the console's CSS and JS once, at start-up: a build that left them out fails here with
 * what to do, not later as a page without styles.
 */
export function loadConsoleAssets(): StaticAsset[] {
  return ASSETS.map(({ path, file, type }) => {
    const url = new URL(file, STATIC_DIR);
    let body: Buffer;
    try {
      body = readFileSync(url);
    } catch (error) {
      throw new Error(`The console's ${file} is missing (${fileURLToPath(url)}): run "npm run build" to copy it into dist/.`, {
        cause: error,
      });
    }
    const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`;
    return { path, type, body, etag };
  });
}

/**
 * Serves one file. `no-cache` with an ETag: the browser keeps its copy but asks each time whether
 * it is still current (a 304), so a new version is picked up on the next load after an upgrade.
 */
export function serveAsset(asset: StaticAsset): RouteHandler {
  return (req, res) => {
    const headers = { "cache-control": "no-cache", etag: asset.etag, "x-content-type-options": "nosniff" };
    if (req.headers["if-none-match"] === asset.etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    res.writeHead(200, { ...headers, "content-type": asset.type, "content-length": asset.body.length });
    res.end(asset.body);
  };
}
