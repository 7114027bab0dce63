import type { ServerResponse } from "node:http";

/** What the school's IT admin sees at the end of "Add to Slack": what happened and what to do next. */
export function sendInstalledPage(res: ServerResponse, workspace: string): void {
  send(
    res,
    200,
    "homevisit is installed",
    `<p>homevisit is now installed in the Slack workspace <strong>${escapeHtml(workspace)}</strong>.</p>
<p>What to do next, in Slack:</p>
<ol>
<li>Invite <strong>@homevisit</strong> to the channels the school uses for approvals, visits, alerts and records: in each one, type <code>/invite @homevisit</code>.</li>
<li>In each of those channels, tell homevisit what it is for: <code>/homevisit setup approvals</code>, <code>/homevisit setup visits</code>, <code>/homevisit setup alerts</code> and <code>/homevisit setup records</code>.</li>
<li>Ask a member of staff to type <code>/homevisit</code>: the request form opens.</li>
</ol>
<p>You can close this page.</p>`,
  );
}

/** Why the installation did not happen, in plain words, and how to try again. Nothing was stored. */
export function sendInstallFailedPage(res: ServerResponse, code: string, detail: string, installPath: string): void {
  const again = `<p><a href="${escapeHtml(installPath)}">Start the installation again</a>.</p>`;
  const [status, words] = failureWords(code, detail);
  send(res, status, "homevisit was not installed", `<p>${words}</p>\n${again}\n<p>Nothing was installed.</p>`);
}

function failureWords(code: string, detail: string): [number, string] {
  if (code === "slack_oauth_invalid_state" || code === "slack_oauth_missing_state")
    return [
      400,
      "This installation link has expired or was started in another browser. Start again from this server's install page, in the same browser, and finish within 10 minutes.",
    ];
  if (code === "slack_oauth_missing_code")
    return [400, "Slack did not send the approval code this page needs. Start the installation from this server's install page."];
  if (code === "slack_oauth_installer_authorization_error")
    return [400, "The installation was cancelled in Slack, or Slack did not allow it."];
  return [
    502,
    `Slack did not complete the installation (${escapeHtml(detail)}). If this keeps happening, check SLACK_CLIENT_ID and SLACK_CLIENT_SECRET against the Slack app's Basic Information page.`,
  ];
}

function send(res: ServerResponse, status: number, title: string, body: string): void {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
  res.end(
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>\n<body><h1>${title}</h1>\n${body}\n</body></html>\n`,
  );
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
