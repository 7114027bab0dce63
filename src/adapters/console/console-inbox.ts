import type { NeutralMessage } from "../../app/messages/neutral-message.js";
import type { ChatDelivery, MessageRef, ResolvedTarget } from "../../app/ports.js";
import type { Clock } from "../../domain/clock.js";

export type ConsoleAuthor = { kind: "bot" } | { kind: "person"; staffId: string; name: string };

/** One message on the console, as a chat platform would hold it. */
export interface ConsolePost {
  ts: string;
  /** "approvals", "visits", "alerts", "records", or "dm:<staff id>". */
  channel: string;
  author: ConsoleAuthor;
  message: NeutralMessage;
  /** Staff ids @mentioned. */
  mentions: string[];
  /** School time when it was posted. */
  at: Date;
  editedAt?: Date;
  parentTs?: string;
  replies: ConsolePost[];
  /** Stands in for a message posted before a restart, so its thread and updates still have a home. */
  placeholder?: boolean;
}

/** A note only the person who acted sees (a refusal, a confirmation), as Slack's ephemeral messages. */
export interface Ephemeral {
  id: number;
  staffId: string;
  /** "you" (the person's own pane), or the ts of the message or thread it answers. */
  where: string;
  text: string;
  tone: "normal" | "success" | "warning" | "danger";
  /** A card rather than a line of text (e.g. a Home Visit Form read back). */
  message?: NeutralMessage;
  at: Date;
}

const MAX_POSTS_PER_CHANNEL = 300;
const MAX_REPLIES_PER_THREAD = 300;
const MAX_EPHEMERALS_PER_PERSON = 30;

export const dmChannel = (staffId: string) => `dm:${staffId}`;

/**
 * The console's chat platform: messages kept in memory per channel, thread and DM. The outbox
 * delivers into it exactly as it delivers to Slack or Teams; refs are { channel, ts }. Memory only:
 * after a restart an update or thread reply to a message from before gets a placeholder parent.
 */
export class ConsoleInbox implements ChatDelivery {
  readonly platform = "console" as const;
  private readonly channels = new Map<string, ConsolePost[]>();
  private readonly byTs = new Map<string, ConsolePost>();
  private readonly notes = new Map<string, Ephemeral[]>();
  private lastMicros = 0;
  private nextNote = 1;
  /** Bumped on every change, so the page only re-renders when something happened. */
  version = 0;

  constructor(private readonly clock: Clock) {}

  async post(target: ResolvedTarget, message: NeutralMessage): Promise<MessageRef> {
    if (target.kind === "dm") {
      const post = this.append(dmChannel(target.user), undefined, { kind: "bot" }, message, []);
      return { channel: post.channel, ts: post.ts };
    }
    const parentTs = target.threadRef?.ts;
    const post = this.append(target.channel, parentTs, { kind: "bot" }, message, target.mentions);
    return parentTs ? { channel: post.channel, ts: post.ts, thread_ts: parentTs } : { channel: post.channel, ts: post.ts };
  }

  async update(ref: MessageRef, message: NeutralMessage): Promise<MessageRef> {
    const existing = ref.ts ? this.byTs.get(ref.ts) : undefined;
    if (existing) {
      existing.message = message;
      existing.editedAt = this.clock.now();
      this.version++;
      return { channel: existing.channel, ts: existing.ts };
    }
    // Posted before a restart: show the new version where it belonged, under the same ts.
    const channel = ref.channel ?? "approvals";
    const post = this.create(channel, undefined, { kind: "bot" }, message, [], ref.ts);
    this.list(channel).push(post);
    this.trim(channel);
    this.version++;
    return { channel: post.channel, ts: post.ts };
  }

  /** A person typing in a thread (or a channel) on the console. */
  postAsPerson(channel: string, parentTs: string | undefined, staffId: string, name: string, text: string): ConsolePost {
    return this.append(channel, parentTs, { kind: "person", staffId, name }, { text, blocks: [{ type: "text", text }] }, []);
  }

  find(ts: string): ConsolePost | undefined {
    return this.byTs.get(ts);
  }

  channel(name: string): readonly ConsolePost[] {
    return this.channels.get(name) ?? [];
  }

  dms(staffId: string): readonly ConsolePost[] {
    return this.channel(dmChannel(staffId));
  }

  note(staffId: string, where: string, text: string, tone: Ephemeral["tone"] = "normal", message?: NeutralMessage): Ephemeral {
    const note: Ephemeral = {
      id: this.nextNote++,
      staffId,
      where,
      text,
      tone,
      at: this.clock.now(),
      ...(message ? { message } : {}),
    };
    const list = this.notes.get(staffId) ?? [];
    list.push(note);
    if (list.length > MAX_EPHEMERALS_PER_PERSON) list.splice(0, list.length - MAX_EPHEMERALS_PER_PERSON);
    this.notes.set(staffId, list);
    this.version++;
    return note;
  }

  notesFor(staffId: string): readonly Ephemeral[] {
    return this.notes.get(staffId) ?? [];
  }

  dismiss(staffId: string, id: number): void {
    const list = this.notes.get(staffId);
    if (!list) return;
    const index = list.findIndex((note) => note.id === id);
    if (index >= 0) {
      list.splice(index, 1);
      this.version++;
    }
  }

  private append(
    channel: string,
    parentTs: string | undefined,
    author: ConsoleAuthor,
    message: NeutralMessage,
    mentions: string[],
  ): ConsolePost {
    if (parentTs) {
      let parent = this.byTs.get(parentTs);
      if (!parent) {
        parent = this.create(
          channel,
          undefined,
          { kind: "bot" },
          { text: "Thread", blocks: [{ type: "context", text: "This thread began before the console restarted." }] },
          [],
          parentTs,
        );
        parent.placeholder = true;
        this.list(channel).push(parent);
        this.trim(channel);
      }
      const reply = this.create(parent.channel, parent.ts, author, message, mentions);
      parent.replies.push(reply);
      if (parent.replies.length > MAX_REPLIES_PER_THREAD) {
        for (const old of parent.replies.splice(0, parent.replies.length - MAX_REPLIES_PER_THREAD)) this.byTs.delete(old.ts);
      }
      this.version++;
      return reply;
    }
    const post = this.create(channel, undefined, author, message, mentions);
    this.list(channel).push(post);
    this.trim(channel);
    this.version++;
    return post;
  }

  private create(
    channel: string,
    parentTs: string | undefined,
    author: ConsoleAuthor,
    message: NeutralMessage,
    mentions: string[],
    ts = this.newTs(),
  ): ConsolePost {
    const post: ConsolePost = { ts, channel, author, message, mentions, at: this.clock.now(), parentTs, replies: [] };
    this.byTs.set(ts, post);
    return post;
  }

  private list(channel: string): ConsolePost[] {
    let list = this.channels.get(channel);
    if (!list) {
      list = [];
      this.channels.set(channel, list);
    }
    return list;
  }

  private trim(channel: string): void {
    const list = this.list(channel);
    if (list.length <= MAX_POSTS_PER_CHANNEL) return;
    for (const old of list.splice(0, list.length - MAX_POSTS_PER_CHANNEL)) {
      this.byTs.delete(old.ts);
      for (const reply of old.replies) this.byTs.delete(reply.ts);
    }
  }

  /** Slack-like "seconds.micros" from real time, unique and increasing, so refs never clash across restarts. */
  private newTs(): string {
    const micros = Math.max(Date.now() * 1000, this.lastMicros + 1);
    this.lastMicros = micros;
    return `${Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, "0")}`;
  }
}
