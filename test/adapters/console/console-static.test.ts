import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConsoleAdapter } from "../../../src/adapters/console/console-adapter.js";
import type { ConsoleState } from "../../../src/adapters/console/console-view.js";
import { rawGet } from "../../support/raw-http.js";
import { startTestApp, type TestApp } from "../../support/test-app.js";

const STATIC = new URL("../../../src/adapters/console/static/", import.meta.url);

/** The page's Content-Security-Policy as a map of directive to its sources. */
function directives(header: string | null): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of (header ?? "").split(";")) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) map.set(name, sources);
  }
  return map;
}

/** What in this HTML a CSP without 'unsafe-inline' would block: inline code, styles and handlers. */
function inlineCode(html: string): string[] {
  const found: string[] = [];
  for (const [tag, attributes, body] of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi))
    if (!/\ssrc="/.test(attributes ?? "") || (body ?? "").trim()) found.push(tag);
  for (const pattern of [/<style\b[^>]*>/gi, /\sstyle\s*=/gi, /\son[a-z]+\s*=/gi, /javascript:/gi])
    for (const [match] of html.matchAll(pattern)) found.push(match);
  return found;
}

describe("the console page's own files (CSP without 'unsafe-inline')", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ CONSOLE: "on" }, { adapters: [createConsoleAdapter] });
  });
  afterAll(async () => {
    await app?.close();
  });

  it("carries no inline script or style, and its policy allows scripts and styles from this server only", async () => {
    const page = await fetch(`${app.url}/`);
    const policy = page.headers.get("content-security-policy");
    expect(policy).not.toContain("unsafe-inline");
    expect(policy).not.toContain("unsafe-eval");
    const csp = directives(policy);
    expect(csp.get("script-src")).toEqual(["'self'"]);
    expect(csp.get("style-src")).toEqual(["'self'"]);
    expect(csp.get("default-src")).toEqual(["'none'"]);
    const html = await page.text();
    expect(inlineCode(html)).toEqual([]);
    expect(html).toContain('<link rel="stylesheet" href="/console/static/console.css">');
    expect(html).toContain('<script type="module" src="/console/static/console.js"></script>');
  });

  it("renders panes and forms without inline styles or handlers either (the browser would drop them)", async () => {
    const state = (await (await fetch(`${app.url}/console/state?as=e.walsh`)).json()) as ConsoleState;
    const panes = Object.values(state.html ?? {});
    expect(panes.length).toBeGreaterThan(4);
    const form = await fetch(`${app.url}/console/act`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ type: "command", as: "e.walsh", text: "/homevisit" }),
    });
    const opened = (await form.json()) as { form?: string };
    expect(opened.form).toContain('data-form-id="visit_submit"');
    for (const html of [...panes, opened.form ?? ""]) expect(inlineCode(html)).toEqual([]);
  });

  it.each([
    ["/console/static/console.css", "console.css", "text/css; charset=utf-8"],
    ["/console/static/console.js", "console.js", "text/javascript; charset=utf-8"],
  ])("serves %s as it is in the repository, with its content type, revalidated by ETag", async (path, file, type) => {
    const res = await fetch(`${app.url}${path}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(type);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("cache-control")).toBe("no-cache");
    expect(await res.text()).toBe(readFileSync(new URL(file, STATIC), "utf8"));
    const etag = res.headers.get("etag") ?? "";
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await fetch(`${app.url}${path}`, { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect((await fetch(`${app.url}${path}`, { headers: { "if-none-match": '"stale"' } })).status).toBe(200);
  });
});

describe("the console's files beside a platform", () => {
  it("answer this machine only, as the page does", async () => {
    const both = await startTestApp(
      { SLACK_BOT_TOKEN: "xoxb-test", SLACK_SIGNING_SECRET: "secret", CONSOLE: "on" },
      { adapters: [createConsoleAdapter] },
    );
    try {
      const port = new URL(both.url).port;
      for (const path of ["/console/static/console.css", "/console/static/console.js"]) {
        expect(await rawGet(`${both.url}${path}`, { host: `localhost:${port}` })).toBe(200);
        expect(await rawGet(`${both.url}${path}`, { host: `homevisit.evil.example:${port}` })).toBe(403);
      }
    } finally {
      await both.close();
    }
  });

  it("are not served when the console is off", async () => {
    const off = await startTestApp({ CONSOLE: "off" }, { adapters: [createConsoleAdapter] });
    try {
      expect((await fetch(`${off.url}/console/static/console.js`)).status).toBe(404);
    } finally {
      await off.close();
    }
  });
});
