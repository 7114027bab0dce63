import type { NeutralMessage } from "../../src/app/messages/neutral-message.js";
import { type ChatDelivery, DeliveryError, type MessageRef, type ResolvedTarget } from "../../src/app/ports.js";
import type { Platform } from "../../src/domain/school-directory.js";
import type { AdapterFactory } from "../../src/start-app.js";

export interface SentMessage {
  kind: "post" | "update";
  target?: ResolvedTarget;
  ref: MessageRef;
  message: NeutralMessage;
  /** Everything a reader would see, flattened, for "never appears" assertions. */
  visibleText: string;
}

/**
 * An in-memory chat platform that records what it was asked to send. It can be told to fail
 * for a while (429 with Retry-After, or a 5xx) to prove nothing is lost.
 */
export class FakeChat implements ChatDelivery {
  readonly sent: SentMessage[] = [];
  /** Everything ever sent, kept through clear(), for whole-suite "never leaks" checks. */
  readonly history: SentMessage[] = [];
  private failures: { remaining: number; error: () => Error } | null = null;
  /** Calls made, failed ones included. */
  attempts = 0;
  private seq = 0;

  constructor(readonly platform: Platform = "console") {}

  failNext(count: number, error: () => Error = () => new DeliveryError("HTTP 503 from platform")): void {
    this.failures = { remaining: count, error };
  }

  rateLimitNext(count: number, retryAfterMs: number): void {
    this.failNext(count, () => new DeliveryError("ratelimited", retryAfterMs));
  }

  async post(target: ResolvedTarget, message: NeutralMessage): Promise<MessageRef> {
    this.maybeFail();
    const ref: MessageRef =
      target.kind === "channel"
        ? { channel: target.channel, ts: `${++this.seq}` }
        : { channel: `dm:${target.user}`, ts: `${++this.seq}` };
    if (target.kind === "channel" && target.threadRef?.ts) ref.thread = target.threadRef.ts;
    this.record({ kind: "post", target, ref, message, visibleText: visible(message) });
    return ref;
  }

  async update(ref: MessageRef, message: NeutralMessage): Promise<MessageRef> {
    this.maybeFail();
    this.record({ kind: "update", ref, message, visibleText: visible(message) });
    return ref;
  }

  /** Messages posted to a channel (or a thread within it, when `thread` is given). */
  inChannel(channel: string, options: { threadOf?: string } = {}): SentMessage[] {
    return this.sent.filter(
      (m) =>
        m.target?.kind === "channel" &&
        m.target.channel === channel &&
        (options.threadOf === undefined ? true : m.target.threadRef?.ts === options.threadOf),
    );
  }

  toUser(user: string): SentMessage[] {
    return this.sent.filter((m) => m.target?.kind === "dm" && m.target.user === user);
  }

  private record(message: SentMessage): void {
    this.sent.push(message);
    this.history.push(message);
  }

  /** Every message ever sent to a channel (and its threads), despite clear(). */
  everInChannel(channel: string): SentMessage[] {
    return this.history.filter((m) => m.target?.kind === "channel" && m.target.channel === channel);
  }

  clear(): void {
    this.sent.length = 0;
  }

  private maybeFail(): void {
    this.attempts++;
    if (this.failures && this.failures.remaining > 0) {
      this.failures.remaining--;
      throw this.failures.error();
    }
  }
}

/** Plugs a FakeChat into the app as the given platform's delivery. */
export function fakeChatAdapter(chat: FakeChat): AdapterFactory {
  return async () => ({ platform: chat.platform, delivery: chat });
}

function visible(message: NeutralMessage): string {
  const parts = [message.text, message.title ?? ""];
  for (const block of message.blocks) {
    if (block.type === "text" || block.type === "context") parts.push(block.text);
    if (block.type === "fields") for (const f of block.fields) parts.push(`${f.label}: ${f.value}`);
    if (block.type === "actions") for (const a of block.actions) parts.push(a.label);
  }
  return parts.join("\n");
}
