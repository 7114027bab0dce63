import type { DueTimer, StoreTx } from "../app/ports.js";
import type { Visit } from "../domain/visit.js";
import type { ClaimedRow } from "./due-timers.js";
import { PendingWrites } from "./pending-writes.js";
import type { Tx } from "./prisma-tx.js";
import { largeColumnsText, toVisit } from "./visit-mapper.js";
import { type Loaded, updateVisits, type VisitWrite, visitWrite } from "./visit-writes.js";

/** Thrown when work asks a batch for something it does not do; the batch's timers are then done one by one. */
export class NotInBatch extends Error {
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
export class TimerBatch {
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
