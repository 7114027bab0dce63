import { createHmac, randomUUID } from "node:crypto";
import { BOT, type SlackApiStub } from "./slack-api-stub.js";

export const SIGNING_SECRET = "8f2c6a1d0e9b4f7a8c3d2e1f0a9b8c7d";

export interface SlackReply {
  status: number;
  text: string;
  json(): Record<string, unknown>;
}

export interface SignOptions {
  secret?: string;
  /** Unix seconds; defaults to now. */
  timestamp?: number;
  headers?: Record<string, string>;
}

/** The headers Slack adds: v0=HMAC-SHA256(secret, "v0:{timestamp}:{body}"). */
export function signatureHeaders(raw: string, options: SignOptions = {}): Record<string, string> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const hmac = createHmac("sha256", options.secret ?? SIGNING_SECRET)
    .update(`v0:${timestamp}:${raw}`)
    .digest("hex");
  return { "x-slack-request-timestamp": String(timestamp), "x-slack-signature": `v0=${hmac}` };
}

type ViewValue = string | number | boolean | undefined;

/** Sends what Slack would send to `${appUrl}/slack/events`, signed, in Slack's own shapes. */
export function slackRequests(appUrl: string, stub: SlackApiStub, workspace: string = BOT.teamId) {
  const endpoint = `${appUrl}/slack/events`;

  const post = async (raw: string, contentType: string, options: SignOptions = {}): Promise<SlackReply> => {
    // A string body and an exact content type: fetch adds "; charset" to URLSearchParams bodies.
    const response = await fetch(endpoint, {
      method: "POST",
      body: raw,
      headers: { "content-type": contentType, ...signatureHeaders(raw, options), ...options.headers },
    });
    const text = await response.text();
    return { status: response.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
  };
  const form = (fields: Record<string, string>, options?: SignOptions) =>
    post(new URLSearchParams(fields).toString(), "application/x-www-form-urlencoded", options);
  const interaction = (payload: Record<string, unknown>, options?: SignOptions) =>
    form({ payload: JSON.stringify(payload) }, options);

  // Every request comes from the stub's workspace unless it names another (`team`).
  const user = (id: string, teamId = workspace) => ({ id, username: id.toLowerCase(), name: id.toLowerCase(), team_id: teamId });
  const teamOf = (teamId = workspace) => ({ id: teamId, domain: "school" });

  return {
    post,
    form,

    /** `/homevisit <text>` typed by `userId`. */
    command(userId: string, text = "", options: SignOptions & { channel?: string; triggerId?: string; team?: string } = {}) {
      return form(
        {
          token: "legacy-verification-token",
          team_id: options.team ?? workspace,
          team_domain: "school",
          channel_id: options.channel ?? "C0GENERAL1",
          channel_name: "general",
          user_id: userId,
          user_name: userId.toLowerCase(),
          command: "/homevisit",
          text,
          api_app_id: "A0HOMEVISIT",
          is_enterprise_install: "false",
          response_url: stub.responseUrl(`command-${randomUUID()}`),
          trigger_id: options.triggerId ?? `trigger-${randomUUID()}`,
        },
        options,
      );
    },

    /** A button press on one of our messages. */
    click(
      userId: string,
      actionId: string,
      value: string,
      where: { channel: string; ts?: string; triggerId?: string; team?: string } & SignOptions = { channel: "C0APPROVAL" },
    ) {
      const ts = where.ts ?? "1795000000.000001";
      return interaction(
        {
          type: "block_actions",
          user: user(userId, where.team),
          api_app_id: "A0HOMEVISIT",
          token: "legacy-verification-token",
          team: teamOf(where.team),
          enterprise: null,
          is_enterprise_install: false,
          container: { type: "message", message_ts: ts, channel_id: where.channel, is_ephemeral: false },
          trigger_id: where.triggerId ?? `trigger-${randomUUID()}`,
          channel: { id: where.channel, name: "channel" },
          message: { type: "message", user: BOT.userId, bot_id: BOT.botId, ts, text: "card", blocks: [] },
          response_url: stub.responseUrl(`action-${randomUUID()}`),
          actions: [
            {
              type: "button",
              action_id: actionId,
              block_id: "b1",
              value,
              text: { type: "plain_text", text: "button" },
              action_ts: String(Date.now() / 1000),
            },
          ],
        },
        where,
      );
    },

    /** Submits a modal we opened (`view` as sent to views.open), filled in like Slack fills it. */
    submitView(
      userId: string,
      view: Record<string, unknown>,
      values: Record<string, ViewValue>,
      options?: SignOptions & { team?: string },
    ) {
      return interaction(
        {
          type: "view_submission",
          team: teamOf(options?.team),
          user: user(userId, options?.team),
          api_app_id: "A0HOMEVISIT",
          token: "legacy-verification-token",
          trigger_id: `trigger-${randomUUID()}`,
          is_enterprise_install: false,
          enterprise: null,
          view: {
            ...view,
            // Slack gives each opened modal an id; the same modal submitted twice keeps it.
            id: typeof view.id === "string" ? view.id : `V${randomUUID().slice(0, 8)}`,
            team_id: options?.team ?? workspace,
            hash: "hash",
            app_id: "A0HOMEVISIT",
            bot_id: BOT.botId,
            private_metadata: view.private_metadata ?? "",
            state: { values: fillViewState(view, values) },
          },
          response_urls: [],
        },
        options,
      );
    },

    /** An Events API delivery (JSON), optionally marked as Slack's nth retry. */
    event(event: Record<string, unknown>, options: SignOptions & { eventId?: string; retryNum?: number; team?: string } = {}) {
      const teamId = options.team ?? workspace;
      const body = {
        token: "legacy-verification-token",
        team_id: teamId,
        api_app_id: "A0HOMEVISIT",
        type: "event_callback",
        event_id: options.eventId ?? `Ev${randomUUID().replace(/-/g, "").slice(0, 10)}`,
        event_time: Math.floor(Date.now() / 1000),
        authorizations: [
          { enterprise_id: null, team_id: teamId, user_id: BOT.userId, is_bot: true, is_enterprise_install: false },
        ],
        event,
      };
      const headers = options.retryNum
        ? { ...options.headers, "x-slack-retry-num": String(options.retryNum), "x-slack-retry-reason": "http_timeout" }
        : options.headers;
      return post(JSON.stringify(body), "application/json", { ...options, headers });
    },

    /** Someone typing `text` in a channel, in the thread under `threadTs` if given. */
    message(
      userId: string,
      channel: string,
      text: string,
      threadTs?: string,
      options: { eventId?: string; retryNum?: number; ts?: string; team?: string } = {},
    ) {
      // A retry of the same event is the same message: same ts. A new message gets a new one.
      const ts = options.ts ?? `${Math.floor(Date.now() / 1000)}.${String(Math.floor(Math.random() * 1e6)).padStart(6, "0")}`;
      return this.event(
        {
          type: "message",
          channel,
          channel_type: channel.startsWith("D") ? "im" : channel.startsWith("G") ? "group" : "channel",
          user: userId,
          text,
          ts,
          event_ts: ts,
          ...(threadTs ? { thread_ts: threadTs } : {}),
        },
        options,
      );
    },
  };
}

export type SlackRequests = ReturnType<typeof slackRequests>;

/**
 * `view.state.values` for a modal, built from its input blocks the way Slack reports each element:
 * text/number → value, select → selected_option, datetime → selected_date_time, checkbox → selected_options.
 */
export function fillViewState(view: Record<string, unknown>, values: Record<string, ViewValue>): Record<string, unknown> {
  const state: Record<string, Record<string, unknown>> = {};
  const blocks = (view.blocks ?? []) as { type: string; block_id?: string; element?: Record<string, unknown> }[];
  for (const block of blocks) {
    if (block.type !== "input" || !block.block_id || !block.element) continue;
    const element = block.element;
    const actionId = String(element.action_id);
    const type = String(element.type);
    // Slack reports a field's initial value when the person left it alone.
    const given = block.block_id in values ? values[block.block_id] : initialOf(element);
    let entry: Record<string, unknown>;
    switch (type) {
      case "static_select": {
        const options = (element.options ??
          ((element.option_groups ?? []) as { options: unknown[] }[]).flatMap((g) => g.options)) as {
          value: string;
          text: unknown;
        }[];
        const chosen = given === undefined ? undefined : options.find((o) => o.value === String(given));
        if (given !== undefined && !chosen) throw new Error(`${block.block_id} has no option ${String(given)}`);
        entry = { type, selected_option: chosen ?? null };
        break;
      }
      case "datetimepicker":
        entry = {
          type,
          selected_date_time: given === undefined ? null : Math.floor(new Date(String(given)).getTime() / 1000),
        };
        break;
      case "datepicker":
        entry = { type, selected_date: given === undefined ? null : String(given) };
        break;
      case "timepicker":
        entry = { type, selected_time: given === undefined ? null : String(given) };
        break;
      case "checkboxes":
        entry = {
          type,
          selected_options:
            given === true || given === "true" ? [{ value: "true", text: { type: "plain_text", text: "Yes" } }] : [],
        };
        break;
      case "number_input":
        entry = { type, value: given === undefined ? null : String(given) };
        break;
      default:
        entry = { type, value: given === undefined ? null : String(given) };
    }
    state[block.block_id] = { [actionId]: entry };
  }
  return state;
}

function initialOf(element: Record<string, unknown>): ViewValue {
  if (typeof element.initial_value === "string") return element.initial_value;
  if (typeof element.initial_date_time === "number") return new Date(element.initial_date_time * 1000).toISOString();
  if (typeof element.initial_date === "string") return element.initial_date;
  if (typeof element.initial_time === "string") return element.initial_time;
  const option = element.initial_option as { value?: string } | undefined;
  if (option?.value) return option.value;
  const options = element.initial_options as { value: string }[] | undefined;
  if (options?.some((o) => o.value === "true")) return true;
  return undefined;
}
