import type { ChannelRole, Platform } from "../domain/school-directory.js";
import type { Visit } from "../domain/visit.js";
import type { NeutralMessage } from "./messages/neutral-message.js";
import type { OpsStore, OutboxStore } from "./outbox-port.js";

/** Where an outgoing message goes, in terms of the school rather than of a platform. */
export type Target =
  | { kind: "channel"; role: ChannelRole }
  | { kind: "visit_thread"; visitId: string }
  | { kind: "dm"; staffId: string };

/** A message that must reach someone; kept in the outbox until a platform confirms it. */
export interface OutgoingMessage {
  visitId: string | null;
  platform: Platform;
  target: Target;
  message: NeutralMessage;
  /** Replace this earlier message in place (e.g. the approval card) instead of posting anew. */
  updates?: string;
  /** Remember where this message landed under this key (e.g. "approval_card", "thread"). */
  refKey?: string;
  /** Safety-critical: the ladder waits for it to be delivered before its next step. */
  critical?: boolean;
}

/** Where a delivered message lives on its platform (channel + ts, conversation + activity id…). */
export type MessageRef = Record<string, string>;

/** What each chat adapter provides to deliver messages. Errors are thrown as DeliveryError. */
export interface ChatDelivery {
  readonly platform: Platform;
  post(target: ResolvedTarget, message: NeutralMessage): Promise<MessageRef>;
  update(ref: MessageRef, message: NeutralMessage): Promise<MessageRef>;
}

/** A target after the school's configuration and the visit have been consulted. */
export type ResolvedTarget =
  | { kind: "channel"; channel: string; threadRef?: MessageRef; mentions: string[] }
  | { kind: "dm"; user: string; conversation?: string };

export class DeliveryError extends Error {
  constructor(
    message: string,
    /** When the platform said when to try again (429 Retry-After). */
    readonly retryAfterMs?: number,
    /** False when retrying can never help (e.g. channel not found); it is still kept and reported. */
    readonly retryable = true,
    /** The platform's method that failed (e.g. chat.postMessage), for logs and metrics. */
    readonly method?: string,
  ) {
    super(message);
    this.name = "DeliveryError";
  }
}

export interface AuditInput {
  visitId: string | null;
  at: Date;
  actorId: string;
  actor: string;
  platform: Platform | "system";
  action: string;
  detail?: Record<string, unknown>;
}

export interface AuditEntry extends AuditInput {
  id: string;
  detail: Record<string, unknown>;
}

export interface RecordRow {
  id: string;
  visitId: string;
  submittedBy: string;
  submittedAt: Date;
  form: Record<string, unknown>;
  supersedes: string | null;
}

export interface VisitQuery {
  staffId?: string;
  statuses?: readonly string[];
  from?: Date;
  to?: Date;
  limit?: number;
}

/** Reads and writes inside one database transaction. */
export interface StoreTx {
  getVisitForUpdate(id: string): Promise<Visit | null>;
  insertVisit(visit: Visit): Promise<void>;
  /** Saves if nobody else saved since `visit.version` was read; returns the saved visit or null. */
  updateVisit(visit: Visit): Promise<Visit | null>;
  appendAudit(entry: AuditInput): Promise<void>;
  /** One safety timer per visit: when nextStep must run again (null: nothing pending). */
  setSafetyTimer(visitId: string, dueAt: Date | null): Promise<void>;
  enqueue(messages: readonly OutgoingMessage[], now: Date): Promise<void>;
  insertRecord(record: RecordRow): Promise<void>;
  /** The newest record of a visit, which a correction supersedes. */
  latestRecordId(visitId: string): Promise<string | null>;
  /** Undelivered critical messages for a visit: the ladder does not move on while there are any. */
  countUndeliveredCritical(visitId: string): Promise<number>;
}

export interface DueTimer {
  id: string;
  visitId: string;
  dueAt: Date;
}

export interface OutboxRow extends OutgoingMessage {
  id: string;
  attempts: number;
  /** When it was queued (the app's clock): a message waiting for over 2 minutes no longer holds its visit's later ones. */
  queuedAt?: Date;
}

/** The repository. The outbox and the operational methods live in outbox-port.ts. */
export interface Store extends OutboxStore, OpsStore {
  readonly kind: "postgres" | "pglite";
  inTransaction<T>(work: (tx: StoreTx) => Promise<T>): Promise<T>;
  getVisit(id: string): Promise<Visit | null>;
  listVisits(query: VisitQuery): Promise<Visit[]>;
  /** A visit's audit trail, or with null the school-wide entries (exports, retention). */
  listAudit(visitId: string | null): Promise<AuditEntry[]>;
  listRecords(visitId: string): Promise<RecordRow[]>;
  appendAudit(entry: AuditInput): Promise<void>;
  /**
   * Claims due timers (FOR UPDATE SKIP LOCKED) and runs `work` for each inside the claiming
   * transaction, so two instances never act on the same timer and a crash rolls the claim back.
   */
  processDueTimers(now: Date, limit: number, work: (tx: StoreTx, timer: DueTimer) => Promise<void>): Promise<number>;
  /** Finds the visit whose message (e.g. its thread) has `field` = `value` on a platform. */
  findVisitByMessageRef(platform: Platform, refKey: string, field: string, value: string): Promise<Visit | null>;
  getMessageRef(visitId: string | null, platform: Platform, refKey: string): Promise<MessageRef | null>;
  saveMessageRef(visitId: string | null, platform: Platform, refKey: string, ref: MessageRef): Promise<void>;
  /**
   * Conversations a platform told us about: a channel role ("approvals"…) the bot was set up in,
   * or a person's 1:1 chat ("user:<platform id>"). Overrides the directory's configured ids.
   */
  getChannelBinding(platform: Platform, key: ChannelRole | `user:${string}`): Promise<MessageRef | null>;
  saveChannelBinding(platform: Platform, key: ChannelRole | `user:${string}`, ref: MessageRef): Promise<void>;
  /**
   * Anonymises visits whose policy's retention period has passed: personal details removed, forms
   * deleted, audit details cleared (the trail of who did what and when stays). Returns their ids.
   */
  anonymiseExpiredVisits(now: Date): Promise<string[]>;
  close(): Promise<void>;
}
