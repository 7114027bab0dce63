import { randomUUID } from "node:crypto";
import type { AuditInput, OutgoingMessage } from "../app/ports.js";
import type { Client } from "./prisma-tx.js";

/**
 * Audit entries, safety timers and outbox messages waiting to be written, and timers to put off:
 * all in one statement (one round trip), audit ids and outbox order as they were added.
 */
export class PendingWrites {
  readonly audit: AuditInput[] = [];
  readonly outbox: { message: OutgoingMessage; now: Date }[] = [];
  /** Each visit's safety timer: due then (pending again), or null: nothing pending. */
  readonly timers = new Map<string, Date | null>();
  /** Timers whose work failed, to look at again at `at`. */
  retry: { ids: string[]; at: Date } | null = null;

  /** Critical messages for a visit added here and not written yet. */
  criticalFor(visitId: string): number {
    return this.outbox.filter((o) => o.message.visitId === visitId && o.message.critical).length;
  }

  add(other: PendingWrites): void {
    this.audit.push(...other.audit);
    this.outbox.push(...other.outbox);
    for (const [visitId, dueAt] of other.timers) this.timers.set(visitId, dueAt);
  }

  async write(client: Client, now: Date): Promise<void> {
    if (this.audit.length + this.outbox.length + this.timers.size === 0 && !this.retry) return;
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
    };
    // Data-modifying CTEs all run, whether or not the final SELECT reads them. No row is touched
    // twice: a visit has one entry in `timers`, and a failed timer's own writes were dropped.
    await client.$executeRawUnsafe(
      `WITH input AS (SELECT $1::jsonb AS j),
       audit AS (
         INSERT INTO "AuditEntry" ("visitId", at, "actorId", actor, platform, action, detail)
         SELECT x."visitId", x.at, x."actorId", x.actor, x.platform, x.action, x.detail
         FROM input, jsonb_to_recordset(input.j->'audit') AS x("visitId" text, at timestamptz, "actorId" text,
           actor text, platform text, action text, detail jsonb, n int)
         ORDER BY x.n
         RETURNING 1),
       pending AS (
         INSERT INTO "Timer" (id, "visitId", kind, "dueAt", state, "createdAt")
         SELECT x.id, x."visitId", 'safety', x."dueAt", 'pending', (input.j->>'now')::timestamptz
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
         INSERT INTO "Outbox" (id, "visitId", platform, target, message, updates, "refKey", critical, "nextAttemptAt", "createdAt")
         SELECT x.id, x."visitId", x.platform, x.target, x.message, x.updates, x."refKey", x.critical, x."nextAttemptAt",
           (input.j->>'now')::timestamptz
         FROM input, jsonb_to_recordset(input.j->'outbox') AS x(id text, "visitId" text, platform text, target jsonb,
           message jsonb, updates text, "refKey" text, critical boolean, "nextAttemptAt" timestamptz, n int)
         ORDER BY x.n
         RETURNING 1)
       SELECT (SELECT count(*) FROM audit) + (SELECT count(*) FROM pending) + (SELECT count(*) FROM done)
         + (SELECT count(*) FROM retry) + (SELECT count(*) FROM outbox)`,
      JSON.stringify(input),
      done,
      retry,
    );
  }
}

export async function appendAudit(client: Client, entry: AuditInput): Promise<void> {
  await client.$executeRaw`
    INSERT INTO "AuditEntry" ("visitId", at, "actorId", actor, platform, action, detail)
    VALUES (${entry.visitId}, ${entry.at}, ${entry.actorId}, ${entry.actor}, ${entry.platform}, ${entry.action},
      ${JSON.stringify(entry.detail ?? {})}::jsonb)`;
}
