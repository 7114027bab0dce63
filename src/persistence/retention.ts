import type { RetentionResult } from "../app/ports.js";
import { Prisma, type PrismaClient } from "./generated/client.js";
import { TX_OPTIONS } from "./prisma-tx.js";
import { retainedDecision, retainedProgress, retainedRequest, retainedWarnings } from "./retained-visit.js";
import { json } from "./visit-mapper.js";

/** Copies of messages we already delivered: the platforms hold them, we only needed them to retry. */
const DELIVERED_MESSAGES_DAYS = 30;
/** A retried request arrives within minutes; a week covers any platform's retry window. */
const ONCE_KEY_DAYS = 7;
const DAY_MS = 24 * 3600_000;

/**
 * Anonymises every visit past its policy's retention period (a visit at a time, so one failure
 * leaves the others done), then drops the copies of delivered messages and request keys that are
 * no longer needed by anyone.
 */
export async function applyRetentionRules(prisma: PrismaClient, school: string, now: Date): Promise<RetentionResult> {
  const expired = await prisma.$queryRaw<{ id: string }[]>`
    SELECT id FROM "Visit"
    WHERE "schoolId" = ${school} AND "anonymisedAt" IS NULL
      AND "plannedStart" + make_interval(years => COALESCE(("policySnapshot"->'records'->>'retentionYears')::int, 25)) < ${now}
    ORDER BY "plannedStart" LIMIT 500`;
  for (const { id } of expired) await anonymiseVisit(prisma, id, now);

  const deliveredBefore = new Date(now.getTime() - DELIVERED_MESSAGES_DAYS * DAY_MS);
  const messages = await prisma.$executeRaw`
    DELETE FROM "Outbox" WHERE "schoolId" = ${school} AND state IN ('delivered', 'undeliverable') AND "createdAt" < ${deliveredBefore}`;
  const keys = await prisma.$executeRaw`
    DELETE FROM "OnceKey" WHERE "createdAt" < ${new Date(now.getTime() - ONCE_KEY_DAYS * DAY_MS)}`;
  return { anonymised: expired.map((row) => row.id), messagesRemoved: messages, keysRemoved: keys };
}

async function anonymiseVisit(prisma: PrismaClient, id: string, now: Date): Promise<void> {
  await prisma.$transaction(async (tx) => {
    // The only writer allowed past the append-only triggers, for this transaction only.
    await tx.$executeRaw`SELECT set_config('homevisit.retention', 'on', true)`;
    const row = await tx.visit.findUnique({
      where: { id },
      select: { request: true, decision: true, progress: true, warnings: true },
    });
    if (!row) return;
    const decision = retainedDecision(row.decision);
    await tx.visit.update({
      where: { id },
      data: {
        request: json(retainedRequest(row.request)),
        // Prisma reads `undefined` as "leave as it is": a declined visit's reason would survive.
        decision: decision ? json(decision) : Prisma.DbNull,
        progress: json(retainedProgress(row.progress)),
        warnings: json(retainedWarnings(row.warnings)),
        messageRefs: json({}),
        pupilInitials: "",
        codeWordHash: "",
        anonymisedAt: now,
        updatedAt: now,
      },
    });
    await tx.visitRecord.deleteMany({ where: { visitId: id } });
    await tx.auditEntry.updateMany({ where: { visitId: id }, data: { detail: {} } });
    await tx.outbox.deleteMany({ where: { visitId: id } });
    await tx.timer.deleteMany({ where: { visitId: id } });
    await tx.threadLink.deleteMany({ where: { visitId: id } });
    await tx.$executeRaw`DELETE FROM "OnceKey" WHERE result->>'visitId' = ${id}`;
  }, TX_OPTIONS);
}
