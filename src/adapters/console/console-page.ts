import { CONSOLE_CSS_PATH, CONSOLE_JS_PATH } from "./console-static.js";
import { CHANNELS } from "./console-view.js";
import { escapeHtml } from "./render-message.js";

export interface PageInfo {
  schoolName: string;
  /** The demo directory is in use (fictional staff and pupils). */
  demo: boolean;
  production: boolean;
}

/**
 * The whole console: one HTML page with its stylesheet and a little vanilla JS (static/, served
 * by console-static.ts) that polls /console/state and posts commands to /console/act. Nothing
 * inline, so the page's Content-Security-Policy allows only this server's own files.
 */
export function consolePage(info: PageInfo): string {
  const columns = CHANNELS.map(
    (c) =>
      `<section class="col" aria-labelledby="h-${c.id}"><div class="col-head"><h2 id="h-${c.id}"># ${c.id}</h2><p>${escapeHtml(c.about)}</p></div><div class="pane" id="pane-${c.id}" data-pane="${c.id}"></div></section>`,
  ).join("\n");
  const demo = info.demo ? `<span class="demo-tag">Demo school: fictional staff and pupils</span>` : "";
  const prod = info.production ? `<span class="prod-tag">production</span>` : "";
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>homevisit console — ${escapeHtml(info.schoolName)}</title>
<link rel="stylesheet" href="${CONSOLE_CSS_PATH}">
</head>
<body>
<header class="top">
  <div class="brand">homevisit <span>console</span></div>
  <div class="school">${escapeHtml(info.schoolName)} ${demo}${prod}</div>
  <div class="clock" aria-live="off"><span class="clock-label">School time</span><strong id="clock-time">…</strong><span id="clock-speed" class="clock-speed"></span></div>
</header>
<div class="bar">
  <nav id="pane-people" class="people" aria-label="Act as"></nav>
  <div id="pane-controls" class="controls"></div>
</div>
<div id="speed-banner" class="speed-banner" role="status" hidden></div>
<div id="offline" class="offline" role="alert" hidden>Not connected: is homevisit still running?</div>
<main class="columns">
<section class="col col-you" aria-labelledby="h-you"><div class="col-head"><h2 id="h-you">Direct messages</h2><p id="you-about">Messages to the person you are acting as.</p></div><div class="pane" id="pane-you" data-pane="you"></div></section>
${columns}
</main>
<footer class="foot">Local console: the same domain, policy, timers, escalation and records as Slack and Teams. Messages are kept until restart; visits and timers are in the database.</footer>
<div id="modal" class="modal" hidden><div class="dialog" id="dialog" role="dialog" aria-modal="true"></div></div>
<div id="toast" class="toast" role="status" hidden></div>
<script type="module" src="${CONSOLE_JS_PATH}"></script>
</body>
</html>`;
}
