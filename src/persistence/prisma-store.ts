import { randomUUID } from "node:crypto";
import type {
  AuditEntry,
  AuditInput,
  DueTimer,
  MessageRef,
  OutboxRow,
  OutgoingMessage,
  RecordRow,
  Store,
  StoreTx,
  VisitQuery,
} from "../app/ports.js";
import type { Clock } from "../domain/clock.js";
import type { Platform } from "../domain/school-directory.js";
import type { Visit } from "../domain/visit.js";
import type { Prisma, PrismaClient, Visit as VisitRow } from "./generated/client.js";
import type { Database } from "./open-database.js";
import { json, LARGE_COLUMNS, type LargeColumn, largeColumnsText, toVisit, toVisitColumns, toVisitData } from "./visit-mapper.js";

type Tx = Prisma.TransactionClient;
type Client = Tx | PrismaClient;

// Generous: PGlite serialises everything through one connection.
const TX_OPTIONS = { maxWait: 20_000, timeout: 30_000 };

/**
 * The repository over Prisma: maps rows to domain objects; nothing else imports the client. Every
 * time it writes comes from `clock` (the app's, which the console can run faster), never the database's.
 */
export function createPrismaStore(db: Database, clock: Clock): Store {
  const prisma = db.prisma;
  return {
    kind: db.kind,
    inTransaction: (work) => prisma.$transaction((tx) => inTx(tx, clock, work), TX_OPTIONS),
    getVisit: async (id) => {
      const row = await prisma.visit.findUnique({ where: { id } });
      return row ? toVisit(row) : null;
    },
    listVisits: async (query) => (await prisma.visit.findMany(visitQuery(query))).map(toVisit),
    listAudit: async (visitId) =>
      (await prisma.auditEntry.findMany({ where: { visitId }, orderBy: { id: "asc" } })).map((row) => ({
        id: row.id.toString(),
        visitId: row.visitId,
        at: row.at,
        actorId: row.actorId,
        actor: row.actor,
        platform: row.platform as AuditEntry["platform"],
        action: row.action,
        detail: row.detail as Record<string, unknown>,
      })),
    listRecords: async (visitId) =>
      (await prisma.visitRecord.findMany({ where: { visitId }, orderBy: { submittedAt: "asc" } })).map((row) => ({
        ...row,
        form: row.form as Record<string, unknown>,
      })),
    appendAudit: (entry) => appendAudit(prisma, entry),
    processDueTimers: (now, limit, work) => processDueTimers(prisma, clock, now, limit, work),
    claimOutbox: (now, limit, leaseMs, owner) => claimOutbox(prisma, now, limit, leaseMs, owner),
    // Raw statements on the delivery path: several per message, each far cheaper than the query builder.
    markDelivered: async (id, ref, now) => {
      updatedOne(
        id,
        await prisma.$executeRaw`UPDATE "Outbox" SET state = 'delivered', "deliveredAt" = ${now}, "deliveredRef" = ${JSON.stringify(ref)}::jsonb, "lastError" = NULL WHERE id = ${id}`,
      );
    },
    markUndeliverable: async (id, error, retryAt) => {
      updatedOne(
        id,
        await prisma.$executeRaw`UPDATE "Outbox" SET state = 'undeliverable', "lastError" = ${error.slice(0, 1000)}, "nextAttemptAt" = ${retryAt} WHERE id = ${id}`,
      );
    },
    markFailed: async (id, error, retryAt) => {
      updatedOne(
        id,
        await prisma.$executeRaw`UPDATE "Outbox" SET state = 'pending', "lastError" = ${error.slice(0, 1000)}, "nextAttemptAt" = ${retryAt} WHERE id = ${id}`,
      );
    },
    findVisitByMessageRef: async (platform, refKey, field, value) => {
      const row = await prisma.visit.findFirst({
        where: { messageRefs: { path: [`${platform}:${refKey}`, field], equals: value } },
      });
      return row ? toVisit(row) : null;
    },
    getMessageRef: async (visitId, platform, refKey) => {
      if (!visitId) return null;
      const rows = await prisma.$queryRaw<{ ref: MessageRef | null }[]>`
        SELECT "messageRefs"->(${`${platform}:${refKey}`}::text) AS ref FROM "Visit" WHERE id = ${visitId}`;
      return rows[0]?.ref ?? null;
    },
    saveMessageRef: async (visitId, platform, refKey, ref) => {
      if (!visitId) return;
      // jsonb_set keeps concurrent writers of other keys intact, unlike a read-modify-write.
      await prisma.$executeRaw`UPDATE "Visit" SET "messageRefs" = jsonb_set("messageRefs", ARRAY[${`${platform}:${refKey}`}], ${JSON.stringify(ref)}::jsonb, true) WHERE id = ${visitId}`;
    },
    getChannelBinding: async (platform, role) => {
      const rows = await prisma.$queryRaw<{ ref: MessageRef }[]>`
        SELECT ref FROM "ChannelBinding" WHERE platform = ${platform} AND role = ${role}`;
      return rows[0]?.ref ?? null;
    },
    saveChannelBinding: async (platform: Platform, role: string, ref: MessageRef) => {
      const updatedAt = clock.now();
      await prisma.channelBinding.upsert({
        where: { platform_role: { platform, role } },
        create: { platform, role, ref: json(ref), updatedAt },
        update: { ref: json(ref), updatedAt },
      });
    },
    anonymiseExpiredVisits: (now) => anonymiseExpiredVisits(prisma, now),
    close: () => db.close(),
  };
}

/** As the query builder's update does: a row that is not there is an error, not a silent no-op. */
function updatedOne(id: string, count: number): void {
  if (count !== 1) throw new Error(`outbox row ${id} was not found`);
}

function visitQuery(query: VisitQuery): Prisma.VisitFindManyArgs {
  const where: Prisma.VisitWhereInput = { anonymisedAt: null };
  if (query.staffId)
    where.OR = [{ leadStaffId: query.staffId }, { secondStaffId: query.staffId }, { requesterId: query.staffId }];
  if (query.statuses) where.status = { in: [...query.statuses] };
  if (query.from || query.to) where.plannedStart = { gte: query.from, lt: query.to };
  return { where, orderBy: { plannedStart: "asc" }, take: query.limit ?? 50 };
}

/** Runs `work` on a StoreTx over `tx`, then writes what it left buffered: all before the commit. */
async function inTx<T>(tx: Tx, clock: Clock, work: (stx: StoreTx) => Promise<T>): Promise<T> {
  const writes = new PendingWrites();
  const result = await work(createTx(tx, clock, writes));
  await writes.write(tx, clock.now());
  return result;
}

/**
 * A StoreTx over one transaction. Audit entries, timers and outbox messages are only ever written
 * (nothing in a transaction reads them back but the count of undelivered critical messages, which
 * counts the buffered ones too), so they are buffered and go in one statement before the commit.
 */
function createTx(tx: Tx, clock: Clock, writes: PendingWrites): StoreTx {
  // What this transaction read of the visits it holds locked, so an update leaves out large
  // columns that are as they were read.
  const loaded = new Map<string, Loaded>();
  return {
    getVisitForUpdate: async (id) => {
      const rows = await tx.$queryRaw<VisitRow[]>`SELECT * FROM "Visit" WHERE id = ${id} FOR UPDATE`;
      const row = rows[0];
      if (!row) return null;
      const visit = toVisit(row);
      loaded.set(id, { version: visit.version, large: largeColumnsText(visit) });
      return visit;
    },
    insertVisit: async (visit) => {
      await tx.visit.create({
        data: { id: visit.id, version: visit.version, ...toVisitData(visit), createdAt: visit.createdAt, updatedAt: clock.now() },
      });
    },
    updateVisit: async (visit: Visit) => {
      const known = loaded.get(visit.id);
      // Only over the version that was read: otherwise the version check refuses it anyway.
      const write = visitWrite(visit, visit.version, known?.version === visit.version ? known.large : undefined);
      if ((await updateVisits(tx, [write], clock.now())) !== 1) return null;
      loaded.set(visit.id, { version: write.newVersion, large: write.large });
      return { ...visit, version: write.newVersion };
    },
    appendAudit: async (entry) => {
      writes.audit.push(entry);
    },
    setSafetyTimer: async (visitId, dueAt) => {
      writes.timers.set(visitId, dueAt);
    },
    enqueue: async (messages: readonly OutgoingMessage[], now: Date) => {
      for (const message of messages) writes.outbox.push({ message, now });
    },
    latestRecordId: async (visitId) =>
      (await tx.visitRecord.findFirst({ where: { visitId }, orderBy: { submittedAt: "desc" }, select: { id: true } }))?.id ??
      null,
    countUndeliveredCritical: async (visitId) =>
      (await tx.outbox.count({ where: { visitId, critical: true, state: { in: ["pending", "sending"] } } })) +
      writes.criticalFor(visitId),
    insertRecord: async (record: RecordRow) => {
      await tx.visitRecord.create({ data: { ...record, form: json(record.form) } });
      await tx.visit.update({
        where: { id: record.visitId },
        data: { recordedAt: record.submittedAt, updatedAt: record.submittedAt },
      });
    },
  };
}

/** A visit as its transaction read it (under its row lock): the version, and the large columns as text. */
interface Loaded {
  version: number;
  large: Record<LargeColumn, string>;
}

/** One visit to save: compare-and-set on `expectedVersion`, leaving out the large columns in `unchanged`. */
interface VisitWrite {
  visit: Visit;
  expectedVersion: number;
  newVersion: number;
  unchanged: LargeColumn[];
  large: Record<LargeColumn, string>;
}

/**
 * Saving `visit` over `expectedVersion`; `before` is the large columns as the row has them, when
 * known, so those still the same are left out.
 */
function visitWrite(visit: Visit, expectedVersion: number, before?: Record<LargeColumn, string>): VisitWrite {
  const large = largeColumnsText(visit);
  const unchanged = before ? LARGE_COLUMNS.filter((column) => before[column] === large[column]) : [];
  return { visit, expectedVersion, newVersion: visit.version + 1, unchanged, large };
}

/**
 * Saves visits in one statement, each only if its version is still `expectedVersion`; returns how
 * many were saved. `decision` null and the unchanged large columns keep what the row has.
 */
async function updateVisits(client: Client, writes: readonly VisitWrite[], updatedAt: Date): Promise<number> {
  if (writes.length === 0) return 0;
  const rows = writes.map((write) => {
    const columns: Record<string, unknown> = toVisitColumns(write.visit);
    for (const column of write.unchanged) columns[column] = null;
    return { ...columns, id: write.visit.id, version: write.expectedVersion, newVersion: write.newVersion, updatedAt };
  });
  const saved = await client.$queryRawUnsafe<{ id: string }[]>(
    `UPDATE "Visit" AS v SET
       status = x.status, version = x."newVersion", platform = x.platform, "requesterId" = x."requesterId",
       "leadStaffId" = x."leadStaffId", "secondStaffId" = x."secondStaffId", "pupilInitials" = x."pupilInitials",
       "plannedStart" = x."plannedStart", "expectedReturn" = x."expectedReturn", request = COALESCE(x.request, v.request),
       "codeWordHash" = x."codeWordHash", warnings = COALESCE(x.warnings, v.warnings), "policyVersion" = x."policyVersion",
       "policySnapshot" = COALESCE(x."policySnapshot", v."policySnapshot"), decision = COALESCE(x.decision, v.decision),
       progress = x.progress, "updatedAt" = x."updatedAt"
     FROM jsonb_to_recordset($1::jsonb) AS x(id text, version int, "newVersion" int, status text, platform text,
       "requesterId" text, "leadStaffId" text, "secondStaffId" text, "pupilInitials" text, "plannedStart" timestamptz,
       "expectedReturn" timestamptz, request jsonb, "codeWordHash" text, warnings jsonb, "policyVersion" text,
       "policySnapshot" jsonb, decision jsonb, progress jsonb, "updatedAt" timestamptz)
     WHERE v.id = x.id AND v.version = x.version
     RETURNING v.id`,
    JSON.stringify(rows),
  );
  return saved.length;
}

/**
 * Audit entries, safety timers and outbox messages waiting to be written, and timers to put off:
 * all in one statement (one round trip), audit ids and outbox order as they were added.
 */
class PendingWrites {
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

async function appendAudit(client: Client, entry: AuditInput): Promise<void> {
  await client.$executeRaw`
    INSERT INTO "AuditEntry" ("visitId", at, "actorId", actor, platform, action, detail)
    VALUES (${entry.visitId}, ${entry.at}, ${entry.actorId}, ${entry.actor}, ${entry.platform}, ${entry.action},
      ${JSON.stringify(entry.detail ?? {})}::jsonb)`;
}

/** Timers claimed together, in one transaction. */
const TIMER_BATCH = 25;
/** A timer whose work failed is looked at again this much later. */
const RETRY_FAILED_MS = 15_000;

/**
 * Claims due timers with FOR UPDATE SKIP LOCKED, each locked together with its visit, and runs the
 * work in the claiming transaction: two instances never act on one timer, and a crash mid-way
 * rolls the claim back. Timers are claimed in batches, each batch one transaction whose writes go
 * to the database in two statements at its end (see TimerBatch): a visit's changes are saved with
 * its timer's, or not at all. Work that fails leaves its visit as it was and its timer is retried
 * in 15 s, without holding back the rest of the batch; if the batch's own statements fail, its
 * timers are done again one per transaction.
 */
async function processDueTimers(
  prisma: PrismaClient,
  clock: Clock,
  now: Date,
  limit: number,
  work: (tx: StoreTx, timer: DueTimer) => Promise<void>,
): Promise<number> {
  let processed = 0;
  // Timers that failed, or that had to be done one by one, are not claimed again in this call.
  const passOver: string[] = [];
  while (processed < limit) {
    const size = Math.min(TIMER_BATCH, limit - processed);
    const claimed: DueTimer[] = [];
    let batch: BatchOutcome;
    try {
      batch = await prisma.$transaction((tx) => runBatch(tx, clock, now, size, passOver, claimed, work), TX_OPTIONS);
    } catch (error) {
      if (claimed.length === 0) throw error; // the claim itself failed: the database is not answering
      if (!(error instanceof NotInBatch)) console.error("homevisit: a batch of timers failed; doing them one by one:", error);
      for (const timer of claimed) {
        passOver.push(timer.id);
        if (processed < limit && (await processOneTimer(prisma, clock, now, timer.id, work))) processed++;
      }
      continue;
    }
    for (const { timer, error } of batch.failed) {
      passOver.push(timer.id);
      console.error(`homevisit: timer ${timer.id} failed and will be retried in 15 s:`, error);
    }
    processed += batch.claimed;
    if (batch.claimed < size) break;
  }
  return processed;
}

interface BatchOutcome {
  claimed: number;
  failed: { timer: DueTimer; error: unknown }[];
}

type ClaimedRow = VisitRow & { timerId: string; timerDueAt: Date };

async function runBatch(
  tx: Tx,
  clock: Clock,
  now: Date,
  size: number,
  passOver: readonly string[],
  claimed: DueTimer[],
  work: (tx: StoreTx, timer: DueTimer) => Promise<void>,
): Promise<BatchOutcome> {
  // Lock each visit with its timer, skipping both if anyone holds either: use cases lock the visit
  // first, so taking the timer alone here could deadlock against a reply.
  const rows = await tx.$queryRaw<ClaimedRow[]>`
    SELECT t.id AS "timerId", t."dueAt" AS "timerDueAt", v.*
    FROM "Timer" t JOIN "Visit" v ON v.id = t."visitId"
    WHERE t.state = 'pending' AND t."dueAt" <= ${now} AND NOT (t.id = ANY(${passOver}::text[]))
    ORDER BY t."dueAt" ASC, t.id ASC LIMIT ${size} FOR UPDATE OF t, v SKIP LOCKED`;
  const batch = new TimerBatch(tx, rows);
  const failed: BatchOutcome["failed"] = [];
  for (const row of rows) {
    const timer: DueTimer = { id: row.timerId, visitId: row.id, dueAt: row.timerDueAt };
    claimed.push(timer);
    const staged = batch.stage(timer);
    try {
      await work(staged.tx, timer);
      staged.keep();
    } catch (error) {
      if (error instanceof NotInBatch) throw error;
      failed.push({ timer, error });
    }
  }
  await batch.save(
    failed.map((f) => f.timer.id),
    new Date(now.getTime() + RETRY_FAILED_MS),
    clock.now(),
  );
  return { claimed: rows.length, failed };
}

/** Thrown when work asks a batch for something it does not do; the batch's timers are then done one by one. */
class NotInBatch extends Error {
  constructor(what: string) {
    super(`${what} is not done in a batch of timers`);
    this.name = "NotInBatch";
  }
}

/**
 * The claimed visits, read with their timers, and the writes of the work done on them so far. Each
 * timer's work writes into its own stage: kept when the work succeeds, dropped when it throws, so a
 * failed visit leaves nothing behind. `save` writes everything kept in two statements.
 */
class TimerBatch {
  private readonly rows = new Map<string, ClaimedRow>();
  private readonly visits = new Map<string, { visit: Visit; loaded: Loaded; saved?: VisitWrite }>();
  private readonly kept = new PendingWrites();
  private critical: Map<string, number> | null = null;

  constructor(
    private readonly tx: Tx,
    rows: readonly ClaimedRow[],
  ) {
    for (const row of rows) this.rows.set(row.id, row);
  }

  /** A visit as the batch has it now (read lazily: a row that does not map fails only its own timer). */
  private current(visitId: string) {
    let entry = this.visits.get(visitId);
    if (!entry) {
      const row = this.rows.get(visitId);
      if (!row) throw new NotInBatch(`a visit outside the batch (${visitId})`);
      const { timerId: _timerId, timerDueAt: _timerDueAt, ...visitRow } = row;
      const visit = toVisit(visitRow);
      entry = { visit, loaded: { version: visit.version, large: largeColumnsText(visit) } };
      this.visits.set(visitId, entry);
    }
    return entry;
  }

  /** Undelivered critical messages in the database (one query for the whole batch) and kept here. */
  private async undeliveredCritical(visitId: string): Promise<number> {
    if (!this.critical) {
      const counts = await this.tx.$queryRaw<{ visitId: string; n: number }[]>`
        SELECT "visitId", count(*)::int AS n FROM "Outbox"
        WHERE "visitId" = ANY(${[...this.rows.keys()]}::text[]) AND critical AND state IN ('pending', 'sending')
        GROUP BY "visitId"`;
      this.critical = new Map(counts.map((row) => [row.visitId, row.n]));
    }
    return (this.critical.get(visitId) ?? 0) + this.kept.criticalFor(visitId);
  }

  stage(timer: DueTimer): { tx: StoreTx; keep: () => void } {
    const own = timer.visitId;
    const staged = new PendingWrites();
    let saved: Visit | undefined;
    const mine = (visitId: string | null, what: string) => {
      if (visitId !== own) throw new NotInBatch(`${what} for another visit (${String(visitId)})`);
    };
    const tx: StoreTx = {
      getVisitForUpdate: async (id) => {
        mine(id, "reading");
        return saved ?? this.current(id).visit;
      },
      updateVisit: async (visit) => {
        mine(visit.id, "saving");
        const current = saved ?? this.current(visit.id).visit;
        if (visit.version !== current.version) return null;
        saved = { ...visit, version: visit.version + 1 };
        return saved;
      },
      appendAudit: async (entry) => {
        staged.audit.push(entry);
      },
      setSafetyTimer: async (visitId, dueAt) => {
        mine(visitId, "a timer");
        staged.timers.set(visitId, dueAt);
      },
      enqueue: async (messages, now) => {
        for (const message of messages) staged.outbox.push({ message, now });
      },
      countUndeliveredCritical: async (visitId) => {
        mine(visitId, "counting");
        return (await this.undeliveredCritical(visitId)) + staged.criticalFor(visitId);
      },
      latestRecordId: async (visitId) =>
        (
          await this.tx.visitRecord.findFirst({
            where: { visitId },
            orderBy: { submittedAt: "desc" },
            select: { id: true },
          })
        )?.id ?? null,
      insertVisit: async () => {
        throw new NotInBatch("inserting a visit");
      },
      insertRecord: async () => {
        throw new NotInBatch("inserting a record");
      },
    };
    const keep = () => {
      if (saved) {
        // Nothing is written before `save`: one write per visit, from the version read to the last.
        const entry = this.current(own);
        const write = visitWrite(saved, entry.loaded.version, entry.loaded.large);
        write.newVersion = saved.version;
        entry.visit = saved;
        entry.saved = write;
      }
      this.kept.add(staged);
    };
    return { tx, keep };
  }

  /** Writes what the batch kept, and puts the failed timers off; throws if any visit could not be saved. */
  async save(failed: readonly string[], retryAt: Date, now: Date): Promise<void> {
    const writes = [...this.visits.values()].flatMap((entry) => (entry.saved ? [entry.saved] : []));
    const saved = await updateVisits(this.tx, writes, now);
    if (saved !== writes.length) throw new Error(`only ${saved} of ${writes.length} visits in a batch of timers were saved`);
    if (failed.length > 0) this.kept.retry = { ids: [...failed], at: retryAt };
    await this.kept.write(this.tx, now);
  }
}

/**
 * One timer in its own transaction, through the ordinary StoreTx: for a batch whose statements
 * failed. False when it is no longer due or someone else holds it.
 */
async function processOneTimer(
  prisma: PrismaClient,
  clock: Clock,
  now: Date,
  timerId: string,
  work: (tx: StoreTx, timer: DueTimer) => Promise<void>,
): Promise<boolean> {
  let claimed = false;
  try {
    return await prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<DueTimer[]>`
        SELECT t.id, t."visitId", t."dueAt" FROM "Timer" t JOIN "Visit" v ON v.id = t."visitId"
        WHERE t.id = ${timerId} AND t.state = 'pending' AND t."dueAt" <= ${now}
        FOR UPDATE OF t, v SKIP LOCKED`;
      const timer = rows[0];
      if (!timer) return false;
      claimed = true;
      await inTx(tx, clock, (stx) => work(stx, timer));
      return true;
    }, TX_OPTIONS);
  } catch (error) {
    if (!claimed) throw error;
    // One broken visit must not stall every other visit's timers: look again shortly.
    await prisma.timer.update({
      where: { id: timerId },
      data: { dueAt: new Date(now.getTime() + RETRY_FAILED_MS), attempt: { increment: 1 } },
    });
    console.error(`homevisit: timer ${timerId} failed and will be retried in 15 s:`, error);
    return true;
  }
}

async function claimOutbox(prisma: PrismaClient, now: Date, limit: number, leaseMs: number, owner: string): Promise<OutboxRow[]> {
  const leaseUntil = new Date(now.getTime() + leaseMs);
  const rows = await prisma.$queryRaw<
    {
      id: string;
      visitId: string | null;
      platform: string;
      target: unknown;
      message: unknown;
      updates: string | null;
      refKey: string | null;
      critical: boolean;
      attempts: number;
    }[]
  >`
    UPDATE "Outbox" SET state = 'sending', "nextAttemptAt" = ${leaseUntil}, attempts = attempts + 1, "lastError" = ${`claimed by ${owner}`}
    WHERE id IN (
      SELECT id FROM "Outbox" WHERE state IN ('pending', 'sending', 'undeliverable') AND "nextAttemptAt" <= ${now}
      ORDER BY seq ASC LIMIT ${limit} FOR UPDATE SKIP LOCKED
    )
    RETURNING id, "visitId", platform, target, message, updates, "refKey", critical, attempts, seq`;
  return rows
    .sort((a, b) => Number((a as { seq?: bigint }).seq ?? 0) - Number((b as { seq?: bigint }).seq ?? 0))
    .map((row) => ({
      id: row.id,
      visitId: row.visitId,
      platform: row.platform as Platform,
      target: row.target as OutboxRow["target"],
      message: row.message as OutboxRow["message"],
      ...(row.updates ? { updates: row.updates } : {}),
      ...(row.refKey ? { refKey: row.refKey } : {}),
      critical: row.critical,
      attempts: row.attempts,
    }));
}

const REMOVED = "[removed under the retention policy]";

async function anonymiseExpiredVisits(prisma: PrismaClient, now: Date): Promise<string[]> {
  const expired = await prisma.$queryRaw<{ id: string }[]>`
    SELECT id FROM "Visit"
    WHERE "anonymisedAt" IS NULL
      AND "plannedStart" + make_interval(years => COALESCE(("policySnapshot"->'records'->>'retentionYears')::int, 25)) < ${now}
    ORDER BY "plannedStart" LIMIT 500`;
  for (const { id } of expired) {
    await prisma.$transaction(async (tx) => {
      // The only writer allowed past the append-only triggers, for this transaction only.
      await tx.$executeRaw`SELECT set_config('homevisit.retention', 'on', true)`;
      const row = await tx.visit.findUnique({ where: { id }, select: { request: true } });
      const request = (row?.request ?? {}) as Record<string, unknown>;
      const anonymised = {
        ...request,
        pupil: { name: REMOVED },
        address: REMOVED,
        lead: { ...(request.lead as object), mobile: REMOVED },
        second: request.second ? { ...(request.second as object), mobile: REMOVED } : null,
        vehicle: null,
        risks: { animals: false },
        responsibleContact: null,
      };
      await tx.visit.update({
        where: { id },
        data: {
          request: json(anonymised),
          pupilInitials: "",
          codeWordHash: "",
          decision: undefined,
          anonymisedAt: now,
          updatedAt: now,
        },
      });
      await tx.visitRecord.deleteMany({ where: { visitId: id } });
      await tx.auditEntry.updateMany({ where: { visitId: id }, data: { detail: {} } });
      await tx.outbox.deleteMany({ where: { visitId: id } });
    }, TX_OPTIONS);
  }
  return expired.map((row) => row.id);
}
