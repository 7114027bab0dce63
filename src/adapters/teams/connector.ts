import { Client as ApiClient } from "@microsoft/teams.api";
import { DeliveryError } from "../../app/ports.js";
import { ADAPTIVE_CARD_CONTENT_TYPE, type AdaptiveCard } from "./adaptive-card.js";

/** What the bot posts: a card (with a notification summary), or plain text. */
export interface OutgoingActivity {
  type: "message";
  text?: string;
  summary?: string;
  attachments?: { contentType: string; content: unknown }[];
}

export function cardMessage(card: AdaptiveCard, summary?: string): OutgoingActivity {
  return {
    type: "message",
    ...(summary ? { summary } : {}),
    attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: card }],
  };
}

export interface NewPersonalChat {
  /** The user's Teams id (29:…) when known, else their aadObjectId. */
  userId: string;
  aadObjectId: string;
  tenantId?: string;
  botId?: string;
}

/** The SDK's HTTP client (axios with the bot-token provider when there are credentials). */
export type HttpClient = ApiClient["http"];

type ActivityInput = Parameters<ApiClient["conversations"]["createActivity"]>[1];
type ConversationInput = Parameters<ApiClient["conversations"]["create"]>[0];

/**
 * The Bot Connector REST calls homevisit makes, each to the serviceUrl of the conversation it
 * targets (Teams has regional service URLs; the Agents Playground has its own). Every failure is
 * turned into a DeliveryError that says whether and when to try again.
 */
export class TeamsConnector {
  constructor(
    private readonly http: HttpClient,
    readonly defaultServiceUrl: string,
  ) {}

  /** POST /v3/conversations/{id}/activities; a channel id with `;messageid=<root>` replies in that thread. */
  async send(serviceUrl: string | undefined, conversationId: string, activity: OutgoingActivity): Promise<string> {
    const sent = await this.call("send", () =>
      this.client(serviceUrl).conversations.createActivity(conversationId, activity as unknown as ActivityInput),
    );
    return sent.id;
  }

  /** PUT /v3/conversations/{id}/activities/{activityId}: the card changes in place. */
  async update(serviceUrl: string | undefined, conversationId: string, activityId: string, activity: OutgoingActivity) {
    const updated = await this.call("update", () =>
      this.client(serviceUrl).conversations.updateActivity(conversationId, activityId, activity as unknown as ActivityInput),
    );
    return updated?.id ?? activityId;
  }

  /** POST /v3/conversations: opens (or finds) the bot's 1:1 chat with a person. */
  async openPersonalChat(serviceUrl: string | undefined, chat: NewPersonalChat): Promise<string> {
    const params = {
      isGroup: false,
      members: [{ id: chat.userId, aadObjectId: chat.aadObjectId }],
      ...(chat.botId ? { bot: { id: chat.botId } } : {}),
      ...(chat.tenantId ? { tenantId: chat.tenantId, channelData: { tenant: { id: chat.tenantId } } } : {}),
    };
    const created = await this.call("open a chat", () =>
      this.client(serviceUrl).conversations.create(params as unknown as ConversationInput),
    );
    if (!created?.id) throw new DeliveryError("Teams did not return a conversation id for the 1:1 chat", undefined, true);
    return created.id;
  }

  /** GET /v3/conversations/{id}/members/{userId}: someone in the conversation (their aadObjectId, name, email). */
  async member(serviceUrl: string | undefined, conversationId: string, userId: string) {
    const found = await this.call("read a member", () =>
      this.client(serviceUrl).conversations.getMemberById(conversationId, userId),
    );
    return { id: found.id, name: found.name, aadObjectId: found.aadObjectId, email: found.email ?? found.userPrincipalName };
  }

  serviceUrlOr(serviceUrl: string | undefined): string {
    return trimSlash(serviceUrl || this.defaultServiceUrl);
  }

  private client(serviceUrl: string | undefined): ApiClient {
    return new ApiClient(this.serviceUrlOr(serviceUrl), this.http);
  }

  private async call<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw toDeliveryError(what, error);
    }
  }
}

export function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

interface HttpFailure {
  message?: string;
  code?: string;
  response?: { status?: number; headers?: Record<string, unknown>; data?: unknown };
}

/** 429 → wait as told; 400/403/404/410 → retrying cannot help; 5xx, 401 and network errors → retry. */
export function toDeliveryError(what: string, error: unknown): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const failure = (error ?? {}) as HttpFailure;
  const status = failure.response?.status;
  if (!status)
    return new DeliveryError(`Teams ${what} failed: ${failure.code ?? failure.message ?? String(error)}`, undefined, true, what);
  const detail = describeBody(failure.response?.data);
  const message = `Teams ${what} failed: HTTP ${status}${detail ? ` (${detail})` : ""}`;
  // A 429 without Retry-After still pauses the operation, for as long as Teams usually asks.
  if (status === 429) return new DeliveryError(message, retryAfterMs(failure.response?.headers) ?? 30_000, true, what);
  if (status === 400 || status === 403 || status === 404 || status === 410)
    return new DeliveryError(message, undefined, false, what);
  return new DeliveryError(message, undefined, true, what);
}

function retryAfterMs(headers: Record<string, unknown> | undefined): number | undefined {
  const raw = headers?.["retry-after"] ?? headers?.["Retry-After"];
  if (raw === undefined || raw === null) return undefined;
  const text = String(raw).trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function describeBody(data: unknown): string {
  if (!data || typeof data !== "object") return typeof data === "string" ? data.slice(0, 200) : "";
  const error = (data as { error?: { code?: string; message?: string } }).error;
  return error ? [error.code, error.message].filter(Boolean).join(": ").slice(0, 200) : "";
}
