import type { Config } from "../config/load-config.js";
import type { RegisterMapping } from "../domain/attendance/register-mapping.js";
import type { Clock } from "../domain/clock.js";
import type { Policy } from "../domain/policy.js";
import type { ChannelRole, Directory, Platform } from "../domain/school-directory.js";
import type { Inbound } from "../domain/school-routing.js";
import type { StaffDetails } from "../domain/staff-details.js";
import type { Visit } from "../domain/visit.js";
import type { HttpRoutes } from "../http/http-server.js";
import type { CredentialStatus } from "../http/readiness.js";
import type { AttendanceStore } from "./attendance/attendance-port.js";
import type { SlackInstallationRows } from "./installation-port.js";
import type { NeutralMessage } from "./messages/neutral-message.js";
import type { OpsStore, OutboxStore } from "./outbox-port.js";
import type { SchoolStore } from "./school-port.js";

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

/**
 * A target after the school's configuration and the visit have been consulted. `workspace` is the
 * school's Slack workspace (team id), whose installation's token posts it; without it the single
 * SLACK_BOT_TOKEN does.
 */
export type ResolvedTarget =
  | { kind: "channel"; channel: string; threadRef?: MessageRef; mentions: string[]; workspace?: string }
  | { kind: "dm"; user: string; conversation?: string; workspace?: string };

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
  /** `visitRecorded: false`: one stop's form of a day of visits whose other forms are still to come. */
  insertRecord(record: RecordRow, options?: { visitRecorded?: boolean }): Promise<void>;
  /** The newest record of a visit, which a correction supersedes. */
  latestRecordId(visitId: string, stop?: number): Promise<string | null>;
  /** A visit's critical messages not delivered yet: the ladder waits for them, but not for long. */
  undeliveredCritical(visitId: string): Promise<CriticalBacklog[]>;
  /** These critical messages were reported as not delivered (the office was told who was not reached). */
  markReported(outboxIds: readonly string[]): Promise<void>;
  /** The ref keys of every alert card queued or sent for a visit, so an answer can update them all. */
  listCardKeys(visitId: string): Promise<string[]>;
  /**
   * Takes `key` for this request, once across every instance: false (with what the first did) when
   * it was taken before. Held with the transaction, so a request that fails can be sent again.
   */
  claimOnce(key: string, result?: Record<string, unknown>): Promise<OnceClaim>;
  /** Replies in this thread are about this visit (a second thread after a retried post, say). */
  linkThread(platform: Platform, channel: string, threadId: string, visitId: string): Promise<void>;
}

export type OnceClaim = { first: true } | { first: false; result: Record<string, unknown> };

/** A critical message still waiting: to whom, since when, and why it has not gone. */
export interface CriticalBacklog {
  id: string;
  target: Target;
  queuedAt: Date;
  lastError: string | null;
  reportedAt: Date | null;
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
  /** The school this store reads and writes for; another school's rows are invisible to it. */
  readonly school: string;
  /** Every school in the database (not scoped: the schools themselves). */
  readonly schools: SchoolStore;
  /** The same database seen as another school's (it shares this store's connections). */
  forSchool(id: string): Store;
  /** Slack workspaces that installed homevisit (not scoped: a workspace can hold several schools). */
  readonly slackInstallations: SlackInstallationRows;
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
  /** The visit whose thread (or a second thread linked to it) this is. */
  findVisitByThread(platform: Platform, channel: string, threadId: string): Promise<Visit | null>;
  linkThread(platform: Platform, channel: string, threadId: string, visitId: string): Promise<void>;
  /** claimOnce outside a visit's transaction (a request that creates or changes nothing else). */
  claimOnce(key: string, result?: Record<string, unknown>): Promise<OnceClaim>;
  getMessageRef(visitId: string | null, platform: Platform, refKey: string): Promise<MessageRef | null>;
  saveMessageRef(visitId: string | null, platform: Platform, refKey: string, ref: MessageRef): Promise<void>;
  /**
   * Conversations a platform told us about: a channel role ("approvals"…) the bot was set up in,
   * or a person's 1:1 chat ("user:<platform id>"). Overrides the directory's configured ids.
   */
  getChannelBinding(platform: Platform, key: BindingKey): Promise<MessageRef | null>;
  saveChannelBinding(platform: Platform, key: BindingKey, ref: MessageRef): Promise<void>;
  /**
   * Anonymises visits whose policy's retention period has passed: personal details and every free
   * text removed, forms deleted, audit details cleared (the trail of who did what and when stays);
   * drops old copies of delivered messages and request keys.
   */
  applyRetention(now: Date): Promise<RetentionResult>;
  /** A person's mobile and vehicle for their request forms (`homevisit me`, or their last visit). */
  getStaffDetails(staffId: string): Promise<StaffDetails | null>;
  saveStaffDetails(staffId: string, details: StaffDetails): Promise<void>;
  /** Pupils, the register, attendance triggers and agreement follow-ups (src/app/attendance). */
  readonly attendance: AttendanceStore;
  close(): Promise<void>;
}

/**
 * A channel role, the channel `setup school` was typed in ("admin": the school's own from then on,
 * so its admins can grant roles there before any other channel is set), or a person's 1:1 chat.
 */
export type BindingKey = ChannelRole | "admin" | `user:${string}`;

export interface RetentionResult {
  anonymised: string[];
  messagesRemoved: number;
  keysRemoved: number;
}

/**
 * The one piece of the store an adapter may use itself: where a platform's conversations live
 * (Teams needs its service URL and 1:1 chats remembered). Everything else goes through use cases.
 */
export type BindingStore = Pick<Store, "getChannelBinding" | "saveChannelBinding">;

/** Something that plugs a chat platform into the app: its routes, and how it delivers. */
export interface PlatformAdapter {
  platform: Platform;
  delivery: ChatDelivery;
  /** How it delivers for one school, when that differs from `delivery` (its people, its workspace). */
  deliveryFor?(school: AppContext): ChatDelivery;
  /** Whether its credentials worked when last checked (auth.test, a bot token), for /readyz. */
  credentials?(): CredentialStatus;
  /** Finishes the work behind requests already answered, until `deadline` (ms since the epoch). */
  stop?(deadline: number): Promise<void>;
}

/** Builds a platform's adapter from the app context, the HTTP routes and the config; null when it is off. */
export type AdapterFactory = (input: {
  ctx: AppContext;
  routes: HttpRoutes;
  config: Config;
  /** Every school: an adapter routes each request to its school's context (without it, only `ctx`). */
  schools?: SchoolResolver;
}) => Promise<PlatformAdapter | null>;

/** The part of the school registry an adapter uses (src/app/school-registry.ts). */
export interface SchoolResolver {
  resolve(inbound: Inbound): Promise<AppContext>;
  get(id: string): Promise<AppContext | null>;
  all(): AppContext[];
  /** Schools, channels or workspaces changed on this instance: route by the new ones now. */
  changed(): Promise<void>;
  /** The Slack workspaces or Teams teams a school is installed in, as last read (no database call). */
  workspacesOf(schoolId: string, platform: Platform): readonly string[];
}

/** Publishes a file behind a short-lived link (see src/http/download-links.ts). */
export interface Downloads {
  publish(
    filename: string,
    contentType: string,
    body: string | Uint8Array,
    audit: { visitId: string | null; actorId: string; actor: string; platform: Platform | "system" },
    options?: { inline?: boolean },
  ): string;
}

/** How the app writes its log (pino underneath, see src/observability/logger.ts). */
export interface Logger {
  info(message: string, detail?: Record<string, unknown>): void;
  warn(message: string, detail?: Record<string, unknown>): void;
  error(message: string, detail?: Record<string, unknown>): void;
  debug?(message: string, detail?: Record<string, unknown>): void;
  /** A logger whose every line also carries `fields`. */
  child?(fields: Record<string, unknown>): Logger;
}

/** Everything a use case needs, passed in: no use case reaches for globals. */
export interface AppContext {
  store: Store;
  clock: Clock;
  /** The school's current policy; a visit uses the snapshot taken at its approval. */
  policy: Policy;
  directory: Directory;
  log: Logger;
  /** Asks the outbox to deliver now rather than at the next tick. */
  kick(): void;
  downloads: Downloads;
  /** The chat platforms this instance delivers to, in order of preference (set at start-up). */
  platforms?: readonly Platform[];
  /** How register exports shared in chat are read (ATTENDANCE_MAPPING_FILE). */
  registerMapping?: RegisterMapping;
  /** Every school this deployment serves (set by the school registry). */
  schools?: SchoolResolver;
}
