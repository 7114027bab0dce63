import { randomUUID } from "node:crypto";
import type { AuditInput, OutgoingMessage } from "../app/ports.js";
import type { Visit } from "../domain/visit.js";
import type { Client } from "./prisma-tx.js";
import { type Loaded, updateVisits, visitWrite } from "./visit-writes.js";

/**
 * What a transaction has decided to write, held until its end and then written in two statements
 * (one round trip each): the visits it saved, and its audit entries, safety timers and outbox
 * messages, audit ids and outbox order as they were added. A batch of timers gives each timer its
 * own PendingWrites over the batch's (`parent`), kept when the timer's work succeeds and dropped
 * when it throws, so a failed visit leaves nothing behind.
 */
export class PendingWrites {
  readonly audit: AuditInput[] = [];
  readonly outbox: { message: OutgoingMessage; now: Date }[] = [];
  /** Each visit's safety timer: due then (pending again), or null: nothing pending. */
  readonly timers = new Map<string, Date | null>();
  /** Visits saved: the newest version, over the row as it was read. */
  readonly visits = new Map<string, { visit: Visit; loaded: Loaded }>();
  /** Critical outbox rows reported as not delivered. */
  readonly reported: string[] = [];
  /** Timers whose work failed, to look at again at `at`. */
  retry: { ids: string[]; at: Date } | null = null;

  constructor(
    /** The school every row written here belongs to. */
    readonly school: string,
    private readonly parent?: PendingWrites,
  ) {}

  /** The visit as this transaction last saved it, if it did. */
  savedVisit(id: string): Visit | undefined {
    return this.visits.get(id)?.visit ?? this.parent?.savedVisit(id);
  }

  saveVisit(visit: Visit, loaded: Loaded): void {
    this.visits.set(visit.id, { visit, loaded });
  }

  /** Outbox messages for a visit added here (or in the batch) and not written yet. */
  queuedFor(visitId: string): OutgoingMessage[] {
    const own = this.outbox.filter((o) => o.message.visitId === visitId).map((o) => o.message);
    return [...(this.parent?.queuedFor(visitId) ?? []), ...own];
  }

  add(other: PendingWrites): void {
    this.audit.push(...other.audit);
    this.outbox.push(...other.outbox);
    this.reported.push(...other.reported);
    for (const [visitId, dueAt] of other.timers) this.timers.set(visitId, dueAt);
    for (const [visitId, saved] of other.visits) this.visits.set(visitId, saved);
  }

  async write(client: Client, now: Date): Promise<void> {
    await this.writeVisits(client, now);
    if (this.audit.length + this.outbox.length + this.timers.size + this.reported.length === 0 && !this.retry) return;
    const timers = [...this.timers];
    const done = timers.flatMap(([visitId, at]) => (at ? [] : [`${visitId}:safety`]));
    // A timer some other work in the batch set again is left as that work set it.
    const retry = (this.retry?.ids ?? []).filter((id) => !timers.some(([visitId]) => `${visitId}:safety` === id));
    const input = {
      audit: this.audit.map((entry, n) => ({ ...entry, detail: entry.detail ?? {}, n })),
      pending: timers.flatMap(([visitId, at]) => (at ? [{ id: `${visitId}:safety`, visitId, dueAt: at }] : [])),
      retryAt: this.retry?.at ?? now,
      outbox: this.outbox.map(({ message, now: queuedAt }, n) => ({
        id: randomUUID(),
        visitId: message.visitId,
        platform: message.platform,
        target: message.target,
        message: message.message,
        updates: message.updates ?? null,
        refKey: message.refKey ?? null,
        critical: message.critical ?? false,
        nextAttemptAt: queuedAt,
        n,
      })),
      now,
      school: this.school,
      reported: this.reported,
    };
    // Data-modifying CTEs all run, whether or not the final SELECT reads them. No row is touched
    // twice: a visit has one entry in `timers`, and a failed timer's own writes were dropped.
    await client.$executeRawUnsafe(
      `WITH input AS (SELECT $1::jsonb AS j),
       audit AS (
         INSERT INTO "AuditEntry" ("schoolId", "visitId", at, "actorId", actor, platform, action, detail)
         SELECT input.j->>'school', x."visitId", x.at, x."actorId", x.actor, x.platform, x.action, x.detail
         FROM input, jsonb_to_recordset(input.j->'audit') AS x("visitId" text, at timestamptz, "actorId" text,
           actor text, platform text, action text, detail jsonb, n int)
         ORDER BY x.n
         RETURNING 1),
       pending AS (
         INSERT INTO "Timer" (id, "schoolId", "visitId", kind, "dueAt", state, "createdAt")
         SELECT x.id, input.j->>'school', x."visitId", 'safety', x."dueAt", 'pending', (input.j->>'now')::timestamptz
         FROM input, jsonb_to_recordset(input.j->'pending') AS x(id text, "visitId" text, "dueAt" timestamptz)
         ON CONFLICT (id) DO UPDATE SET "dueAt" = EXCLUDED."dueAt", state = 'pending', "claimedBy" = NULL, "claimedAt" = NULL
         RETURNING 1),
       done AS (
         UPDATE "Timer" SET state = 'done', "firedAt" = (input.j->>'now')::timestamptz FROM input
         WHERE "Timer".id = ANY($2::text[]) AND "Timer".state = 'pending'
         RETURNING 1),
       retry AS (
         UPDATE "Timer" SET "dueAt" = (input.j->>'retryAt')::timestamptz, attempt = attempt + 1 FROM input
         WHERE "Timer".id = ANY($3::text[])
         RETURNING 1),
       outbox AS (
         INSERT INTO "Outbox" (id, "schoolId", "visitId", platform, target, message, updates, "refKey", critical, "nextAttemptAt", "createdAt")
         SELECT x.id, input.j->>'school', x."visitId", x.platform, x.target, x.message, x.updates, x."refKey", x.critical, x."nextAttemptAt",
           (input.j->>'now')::timestamptz
         FROM input, jsonb_to_recordset(input.j->'outbox') AS x(id text, "visitId" text, platform text, target jsonb,
           message jsonb, updates text, "refKey" text, critical boolean, "nextAttemptAt" timestamptz, n int)
         ORDER BY x.n
         RETURNING 1),
       reported AS (
         UPDATE "Outbox" SET "reportedAt" = (input.j->>'now')::timestamptz FROM input
         WHERE "Outbox".id IN (SELECT jsonb_array_elements_text(input.j->'reported'))
         RETURNING 1)
       SELECT (SELECT count(*) FROM audit) + (SELECT count(*) FROM pending) + (SELECT count(*) FROM done)
         + (SELECT count(*) FROM retry) + (SELECT count(*) FROM outbox) + (SELECT count(*) FROM reported)`,
      JSON.stringify(input),
      done,
      retry,
    );
  }

  /** Every visit saved, in one statement, each only over the version it was read at. */
  private async writeVisits(client: Client, now: Date): Promise<void> {
    if (this.visits.size === 0) return;
    const writes = [...this.visits.values()].map(({ visit, loaded }) => {
      const write = visitWrite(visit, loaded.version, loaded.large);
      write.newVersion = visit.version;
      return write;
    });
    const saved = await updateVisits(client, writes, now);
    if (saved !== writes.length) throw new StaleVisits(writes.length - saved);
  }
}

/** Someone else saved one of these visits since it was read: the work must be done again. */
export class StaleVisits extends Error {
  constructor(count: number) {
    super(`${count} visit(s) changed while this transaction held them`);
    this.name = "StaleVisits";
  }
}

export async function appendAudit(client: Client, school: string, entry: AuditInput): Promise<void> {
  await client.$executeRaw`
    INSERT INTO "AuditEntry" ("schoolId", "visitId", at, "actorId", actor, platform, action, detail)
    VALUES (${school}, ${entry.visitId}, ${entry.at}, ${entry.actorId}, ${entry.actor}, ${entry.platform}, ${entry.action},
      ${JSON.stringify(entry.detail ?? {})}::jsonb)`;
}
