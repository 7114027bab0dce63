import { randomUUID } from "node:crypto";
import type { GrantedWorkspace } from "./slack-api-stub.js";
import type { SlackHarness } from "./slack-harness.js";

/** The IT admin opens /slack/install: the redirect to Slack, its state, and the browser's state cookie. */
export async function startInstall(h: SlackHarness) {
  const response = await fetch(`${h.app.url}/slack/install`, { redirect: "manual" });
  const location = new URL(response.headers.get("location") ?? "about:blank");
  const cookie = (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  return { response, location, state: location.searchParams.get("state") ?? "", cookie };
}

/** Slack sends the admin back with a code (granted for `workspace`) and the state; the page they see. */
export async function finishInstall(
  h: SlackHarness,
  workspace: GrantedWorkspace,
  options: { state?: string | null; cookie?: string | null } = {},
) {
  const started = await startInstall(h);
  const code = `code-${randomUUID()}`;
  h.stub.grant(code, workspace);
  const query = new URLSearchParams({ code });
  const state = options.state === undefined ? started.state : options.state;
  if (state !== null) query.set("state", state);
  const cookie = options.cookie === undefined ? started.cookie : options.cookie;
  const response = await fetch(`${h.app.url}/slack/oauth_redirect?${query}`, { headers: cookie ? { cookie } : {} });
  return { status: response.status, page: await response.text(), code };
}
