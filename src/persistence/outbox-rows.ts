import type { OutboxRow } from "../app/ports.js";
import type { Platform } from "../domain/school-directory.js";
import type { PrismaClient } from "./generated/client.js";

export async function claimOutbox(
  prisma: PrismaClient,
  now: Date,
  limit: number,
  leaseMs: number,
  owner: string,
): Promise<OutboxRow[]> {
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
