import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the bot made to Slack: a Web API method, or a POST to a response_url. */
export interface SlackCall {
  method: string;
  /** Form fields, with blocks / view / attachments parsed from their JSON strings; or the JSON body. */
  params: Record<string, unknown>;
  /** The request as sent on the wire. */
  raw: string;
  /** The parsed request as text, for "this never appears anywhere" checks. */
  content: string;
  /** What the stub answered (e.g. the ts of a posted message). */
  response?: Record<string, unknown>;
  /** The Authorization header it came with ("Bearer xoxb-…": which workspace's token). */
  authorization?: string;
  /** When it arrived (ms since the epoch). */
  at?: number;
  /** When it was answered. */
  answeredAt?: number;
}

export interface CannedFailure {
  status?: number;
  headers?: Record<string, string>;
  body?: Record<string, unknown>;
}

export interface SlackApiStub {
  /** Base for SLACK_API_URL, ending in /api/. */
  url: string;
  /** A response_url the bot can POST to; calls arrive as method "response_url". */
  responseUrl(id?: string): string;
  calls: SlackCall[];
  callsTo(method: string): SlackCall[];
  /** Waits until a call matching `match` has arrived (Bolt handlers run after the HTTP ack). */
  waitFor(match: (call: SlackCall) => boolean, timeoutMs?: number): Promise<SlackCall>;
  /** The next call to `method` (matching `when`, if given) fails with this answer. */
  failNext(method: string, failure: CannedFailure, when?: (params: Record<string, unknown>) => boolean): void;
  /** Every call to `method` is answered this much later ("never": Slack not answering); 0 undoes it. */
  slowDown(method: string, ms: number | "never"): void;
  /** Every call to `method` matching `when` fails with this answer, until reset (a person's DMs that keep failing). */
  failAlways(method: string, failure: CannedFailure, when: (params: Record<string, unknown>) => boolean): void;
  /** A file someone shared: files.info and files.list know it, and its url_private serves `content`. */
  addFile(id: string, name: string, content: string, options?: { user?: string; channel?: string }): void;
  /** Someone in the workspace: users.info answers with their profile (name, email). */
  addUser(id: string, profile: { realName: string; email?: string; isBot?: boolean }): void;
  /** A user group (usergroups.list) and who is in it now (usergroups.users.list). */
  setGroup(id: string, handle: string, members: string[]): void;
  /**
   * "Add to Slack": oauth.v2.access exchanges `code` for this workspace's bot token once, and
   * auth.test with that token answers with its ids. Any other code is refused (invalid_code).
   */
  grant(code: string, workspace: GrantedWorkspace): void;
  /** The Authorization headers file downloads came with. */
  downloads: string[];
  reset(): void;
  close(): Promise<void>;
}

export const BOT = { userId: "U0BOT0000", botId: "B0BOT0000", teamId: "T0SCHOOL1" };

export interface GrantedWorkspace {
  teamId: string;
  teamName: string;
  token: string;
  botUserId: string;
  botId: string;
  installer: string;
}

const JSON_FIELDS = new Set(["blocks", "view", "attachments", "metadata"]);

/** A local stand-in for slack.com/api: records every call and answers like Slack does. */
export async function startSlackApiStub(): Promise<SlackApiStub> {
  const calls: SlackCall[] = [];
  const failures: { method: string; failure: CannedFailure; when?: (params: Record<string, unknown>) => boolean }[] = [];
  const lasting: { method: string; failure: CannedFailure; when: (params: Record<string, unknown>) => boolean }[] = [];
  const delays = new Map<string, number | "never">();
  let counter = 100;
  const files = new Map<
    string,
    { id: string; name: string; content: string; user?: string; channel?: string; created: number }
  >();
  const downloads: string[] = [];
  const users = new Map<string, { realName: string; email?: string; isBot?: boolean }>();
  const groups = new Map<string, { handle: string; members: string[] }>();
  const grants = new Map<string, GrantedWorkspace>();
  let base = "";
  const fileInfo = (f: { id: string; name: string; content: string; created: number }) => ({
    id: f.id,
    name: f.name,
    filetype: "csv",
    size: f.content.length,
    created: f.created,
    url_private: `${base}/files-pri/${f.id}/${f.name}`,
    url_private_download: `${base}/files-pri/${f.id}/download/${f.name}`,
  });
  const nextTs = () => `1795000000.${String(++counter).padStart(6, "0")}`;

  const granted = (authorization: string | undefined) => [...grants.values()].find((w) => authorization === `Bearer ${w.token}`);
  const exchange = (params: Record<string, unknown>): Record<string, unknown> => {
    const workspace = grants.get(String(params.code ?? ""));
    if (!workspace) return { ok: false, error: "invalid_code" };
    grants.delete(String(params.code));
    grants.set(`used:${workspace.token}`, workspace);
    return {
      ok: true,
      app_id: "A0HOMEVISIT",
      authed_user: { id: workspace.installer },
      scope: "commands,chat:write,im:write,channels:history,groups:history,im:history,files:read",
      token_type: "bot",
      access_token: workspace.token,
      bot_user_id: workspace.botUserId,
      team: { id: workspace.teamId, name: workspace.teamName },
      enterprise: null,
      is_enterprise_install: false,
    };
  };

  const answer = (method: string, params: Record<string, unknown>, authorization?: string): Record<string, unknown> => {
    const channel = typeof params.channel === "string" ? params.channel : "";
    const workspace = granted(authorization);
    switch (method) {
      case "oauth.v2.access":
        return exchange(params);
      case "auth.test":
        if (workspace)
          return {
            ok: true,
            team: workspace.teamName,
            team_id: workspace.teamId,
            user_id: workspace.botUserId,
            bot_id: workspace.botId,
          };
        return {
          ok: true,
          url: "https://school.slack.com/",
          team: "School",
          team_id: BOT.teamId,
          user_id: BOT.userId,
          bot_id: BOT.botId,
        };
      case "chat.postMessage":
        // Posting to a user id lands in the bot's DM with them, which has its own D… id.
        return { ok: true, channel: channel.startsWith("U") ? `D${channel.slice(1)}` : channel, ts: nextTs() };
      case "chat.update":
        return { ok: true, channel, ts: params.ts };
      case "chat.postEphemeral":
        return { ok: true, message_ts: nextTs() };
      case "files.info": {
        const file = files.get(String(params.file ?? ""));
        return file ? { ok: true, file: fileInfo(file) } : { ok: false, error: "file_not_found" };
      }
      case "files.list":
        return {
          ok: true,
          files: [...files.values()]
            .filter((f) => (!params.user || f.user === params.user) && (!params.channel || f.channel === params.channel))
            .map(fileInfo),
        };
      case "users.info": {
        const id = String(params.user ?? "");
        const user = users.get(id);
        if (!user) return { ok: false, error: "user_not_found" };
        return {
          ok: true,
          user: {
            id,
            team_id: BOT.teamId,
            name: user.realName.toLowerCase().replace(/\s+/g, "."),
            deleted: false,
            real_name: user.realName,
            is_bot: !!user.isBot,
            profile: {
              real_name: user.realName,
              display_name: user.realName.split(" ")[0],
              ...(user.email ? { email: user.email } : {}),
            },
          },
        };
      }
      case "usergroups.list":
        return {
          ok: true,
          usergroups: [...groups].map(([id, g]) => ({
            id,
            team_id: BOT.teamId,
            handle: g.handle,
            name: g.handle,
            user_count: g.members.length,
          })),
        };
      case "usergroups.users.list": {
        const group = groups.get(String(params.usergroup ?? ""));
        return group ? { ok: true, users: [...group.members] } : { ok: false, error: "no_such_subteam" };
      }
      case "views.open":
      case "views.update":
      case "views.push":
        return { ok: true, view: { id: `V${++counter}` } };
      default:
        return { ok: true };
    }
  };

  const failureFor = (method: string, params: Record<string, unknown>, take: boolean): CannedFailure | undefined => {
    const index = failures.findIndex((f) => f.method === method && (!f.when || f.when(params)));
    if (index >= 0) return take ? failures.splice(index, 1)[0]?.failure : failures[index]?.failure;
    return lasting.find((f) => f.method === method && f.when(params))?.failure;
  };

  const server: Server = createServer(async (req, res) => {
    const raw = await readAll(req);
    const path = new URL(req.url ?? "/", "http://stub").pathname;
    const download = /^\/files-pri\/([^/]+)\//.exec(path);
    if (download) {
      downloads.push(req.headers.authorization ?? "");
      const file = files.get(download[1] ?? "");
      res.writeHead(file && req.headers.authorization ? 200 : 404, { "content-type": "text/csv" });
      res.end(file && req.headers.authorization ? file.content : "not found");
      return;
    }
    const method = path.startsWith("/api/") ? path.slice("/api/".length) : "response_url";
    const params = parse(raw, req.headers["content-type"] ?? "");
    if (method === "response_url") params.url = path;
    const authorization = req.headers.authorization;
    const call: SlackCall = { method, params, raw, content: JSON.stringify(params), authorization, at: Date.now() };
    const delay = delays.get(method) ?? 0;
    if (delay === "never") {
      calls.push(call);
      return; // the connection stays open and unanswered
    }
    if (delay > 0 && !failureFor(method, params, false)) {
      // Slack posts the message when the call arrives and only answers late: the message (and its
      // ts) is already in the channel, so people can reply under it before the bot knows its ts.
      call.response = method === "response_url" ? { ok: true } : answer(method, params, authorization);
      calls.push(call);
      await new Promise((resolve) => setTimeout(resolve, delay));
      call.answeredAt = Date.now();
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(call.response));
      return;
    }
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    const failure = failureFor(method, params, true);
    if (failure) {
      call.response = failure.body ?? { ok: false, error: "internal_error" };
      calls.push(call);
      res.writeHead(failure.status ?? 200, { "content-type": "application/json", ...failure.headers });
      res.end(JSON.stringify(call.response));
      call.answeredAt = Date.now();
      return;
    }
    call.response = method === "response_url" ? { ok: true } : answer(method, params, authorization);
    call.answeredAt = Date.now();
    calls.push(call);
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(call.response));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: `${base}/api/`,
    responseUrl: (id = "r1") => `${base}/respond/${id}`,
    calls,
    callsTo: (method) => calls.filter((call) => call.method === method),
    waitFor: async (match, timeoutMs = 5000) => {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const found = calls.find(match);
        if (found) return found;
        if (Date.now() > until) throw new Error(`no matching Slack call within ${timeoutMs} ms; got ${summary(calls)}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    failNext: (method, failure, when) => {
      failures.push({ method, failure, when });
    },
    failAlways: (method, failure, when) => {
      lasting.push({ method, failure, when });
    },
    slowDown: (method, ms) => {
      if (ms === 0) delays.delete(method);
      else delays.set(method, ms);
    },
    addFile: (id, name, content, options = {}) => {
      files.set(id, { id, name, content, ...options, created: Math.floor(Date.now() / 1000) });
    },
    addUser: (id, profile) => {
      users.set(id, profile);
    },
    setGroup: (id, handle, members) => {
      groups.set(id, { handle, members: [...members] });
    },
    grant: (code, workspace) => {
      grants.set(code, workspace);
    },
    downloads,
    reset: () => {
      calls.length = 0;
      failures.length = 0;
      lasting.length = 0;
      delays.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function parse(raw: string, contentType: string): Record<string, unknown> {
  if (contentType.includes("application/json")) return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    out[key] = JSON_FIELDS.has(key) ? JSON.parse(value) : value;
  }
  return out;
}

async function readAll(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function summary(calls: readonly SlackCall[]): string {
  return (
    calls.map((call) => `${call.method}${call.params.channel ? `(${String(call.params.channel)})` : ""}`).join(", ") || "none"
  );
}
