import type { CriticalBacklog, Target } from "../app/ports.js";
import type { Visit } from "../domain/visit.js";
import type { Visit as VisitRow } from "./generated/client.js";
import type { Tx } from "./prisma-tx.js";
import { largeColumnsText, toVisit } from "./visit-mapper.js";
import type { Loaded } from "./visit-writes.js";

export interface SessionVisit {
  visit: Visit;
  /** The row as this transaction read it: the version to save over, and its large columns. */
  loaded: Loaded;
}

/**
 * The visits one transaction holds locked, as it read them. A use case reads one with SELECT … FOR
 * UPDATE; the safety tick claims many at once with their timers and hands the rows in, so each is
 * read (and mapped) only when its timer's work asks for it.
 */
export class VisitSession {
  private readonly read = new Map<string, SessionVisit>();
  private backlog: Map<string, CriticalBacklog[]> | null = null;

  constructor(
    private readonly tx: Tx,
    /** The school whose visits this transaction may read: another school's id is "no such visit". */
    private readonly school: string,
    private readonly claimed: ReadonlyMap<string, VisitRow> = new Map(),
  ) {}

  async load(id: string): Promise<SessionVisit | null> {
    const known = this.read.get(id);
    if (known) return known;
    const row =
      this.claimed.get(id) ??
      (await this.tx.$queryRaw<VisitRow[]>`SELECT * FROM "Visit" WHERE id = ${id} AND "schoolId" = ${this.school} FOR UPDATE`)[0];
    if (!row) return null;
    const visit = toVisit(row);
    const entry = { visit, loaded: { version: visit.version, large: largeColumnsText(visit) } };
    this.read.set(id, entry);
    return entry;
  }

  /** Undelivered critical messages: for the claimed visits in one query, else for this one. */
  async undeliveredCritical(visitId: string): Promise<CriticalBacklog[]> {
    if (!this.backlog) {
      const ids = this.claimed.has(visitId) ? [...this.claimed.keys()] : [visitId];
      const rows = await this.tx.$queryRaw<
        { id: string; visitId: string; target: Target; createdAt: Date; lastError: string | null; reportedAt: Date | null }[]
      >`
        SELECT id, "visitId", target, "createdAt", "lastError", "reportedAt" FROM "Outbox"
        WHERE "visitId" = ANY(${ids}::text[]) AND critical AND state IN ('pending', 'sending')
        ORDER BY seq`;
      const map = new Map<string, CriticalBacklog[]>();
      for (const row of rows) {
        const list = map.get(row.visitId) ?? [];
        list.push({
          id: row.id,
          target: row.target,
          queuedAt: row.createdAt,
          lastError: row.lastError,
          reportedAt: row.reportedAt,
        });
        map.set(row.visitId, list);
      }
      if (!this.claimed.has(visitId)) return map.get(visitId) ?? [];
      this.backlog = map;
    }
    return this.backlog.get(visitId) ?? [];
  }
}
