import { webApi } from "@slack/bolt";
import type { NeutralMessage } from "../../app/messages/neutral-message.js";
import type { AppContext } from "../../app/ports.js";
import { type ChatDelivery, DeliveryError, type MessageRef, type ResolvedTarget } from "../../app/ports.js";
import { renderMessage } from "./block-kit.js";
import { singleTokenClients, type WorkspaceClients } from "./workspace-clients.js";

/** Slack errors that retrying cannot fix; the outbox still keeps the message and reports it. */
const PERMANENT = new Set([
  "channel_not_found",
  "not_in_channel",
  "is_archived",
  "invalid_auth",
  "not_authed",
  "account_inactive",
  "token_revoked",
  "token_expired",
  "no_permission",
  "missing_scope",
  "user_not_found",
  "cannot_dm_bot",
  "invalid_blocks",
  "invalid_blocks_format",
  "msg_too_long",
  "no_text",
  "message_not_found",
  "cant_update_message",
  "edit_window_closed",
  "restricted_action",
  "team_access_not_granted",
]);

/**
 * Delivers outbox messages to Slack: chat.postMessage for channels, threads and DMs (Slack opens
 * the DM when the channel is a user id), chat.update for cards updated in place. Returns the
 * `{ channel, ts }` Slack gives back, which the outbox keeps to update or thread under later, and
 * the workspace (`team`) whose token posted it, so the update and the thread replies use it too.
 */
export function createSlackDelivery(tokens: WorkspaceClients | webApi.WebClient): ChatDelivery {
  const clients = tokens instanceof webApi.WebClient ? singleTokenClients(tokens) : tokens;
  return {
    platform: "slack",
    async post(target: ResolvedTarget, message: NeutralMessage): Promise<MessageRef> {
      const channel = target.kind === "channel" ? target.channel : target.user;
      const rendered = renderMessage(message, target.kind === "channel" ? target.mentions : []);
      const threadTs = target.kind === "channel" ? target.threadRef?.ts : undefined;
      const workspace = target.workspace ?? (target.kind === "channel" ? target.threadRef?.team : undefined);
      try {
        const { client, team } = await clients.clientFor(workspace);
        const result = await client.chat.postMessage({
          channel,
          text: rendered.text,
          blocks: rendered.blocks,
          unfurl_links: false,
          unfurl_media: false,
          ...(threadTs ? { thread_ts: threadTs } : {}),
        });
        return ref(result.channel ?? channel, result.ts, team);
      } catch (error) {
        throw toDeliveryError(error, "chat.postMessage");
      }
    },
    async update(previous: MessageRef, message: NeutralMessage): Promise<MessageRef> {
      const { channel, ts } = previous;
      if (!channel || !ts) throw new DeliveryError("the Slack message to update has no channel and ts", undefined, false);
      const rendered = renderMessage(message);
      try {
        const { client, team } = await clients.clientFor(previous.team);
        const result = await client.chat.update({ channel, ts, text: rendered.text, blocks: rendered.blocks });
        return ref(result.channel ?? channel, result.ts ?? ts, team);
      } catch (error) {
        throw toDeliveryError(error, "chat.update");
      }
    },
  };
}

function ref(channel: string, ts: string | undefined, team: string | undefined): MessageRef {
  if (!ts) throw new DeliveryError("Slack did not return the message's ts");
  return team ? { channel, ts, team } : { channel, ts };
}

/** Web API failures as the outbox understands them: when to retry, and whether it can help. */
export function toDeliveryError(error: unknown, method: string): DeliveryError {
  if (error instanceof DeliveryError) return error;
  if (error instanceof webApi.WebAPIRateLimitedError)
    return new DeliveryError(
      `Slack ${method}: rate limited, retry after ${error.retryAfter} s`,
      error.retryAfter * 1000,
      true,
      method,
    );
  if (error instanceof webApi.WebAPIPlatformError) {
    const code = error.data.error;
    if (code === "ratelimited") return new DeliveryError(`Slack ${method}: ratelimited`, 60_000, true, method);
    return new DeliveryError(`Slack ${method}: ${code}`, undefined, !PERMANENT.has(code), method);
  }
  if (error instanceof webApi.WebAPIHTTPError) {
    const retryAfter = Number(error.headers?.["retry-after"]);
    if (error.statusCode === 429)
      return new DeliveryError(
        `Slack ${method}: HTTP 429`,
        Number.isFinite(retryAfter) ? retryAfter * 1000 : 30_000,
        true,
        method,
      );
    return new DeliveryError(
      `Slack ${method}: HTTP ${error.statusCode}`,
      undefined,
      error.statusCode >= 500 || error.statusCode === 408,
      method,
    );
  }
  if (error instanceof webApi.WebAPIRequestError)
    return new DeliveryError(`Slack ${method}: ${error.original.message}`, undefined, true, method);
  return new DeliveryError(`Slack ${method}: ${error instanceof Error ? error.message : String(error)}`, undefined, true, method);
}

/**
 * The delivery for one school: each target carries the Slack workspace the school was set up in,
 * so with "Add to Slack" every school posts with its own workspace's token. A school with no
 * workspace yet posts as before (SLACK_BOT_TOKEN, or the only installation).
 */
export function inWorkspaceOf(school: AppContext, delivery: ChatDelivery): ChatDelivery {
  return {
    platform: delivery.platform,
    post: async (target, message) => {
      // From the school registry's last read: no database call on each post.
      const team = target.workspace ?? school.schools?.workspacesOf(school.store.school, "slack")[0];
      return delivery.post(team ? { ...target, workspace: team } : target, message);
    },
    update: (ref, message) => delivery.update(ref, message),
  };
}
