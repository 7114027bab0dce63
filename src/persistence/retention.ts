import type { PrismaClient } from "./generated/client.js";
import { TX_OPTIONS } from "./prisma-tx.js";
import { json } from "./visit-mapper.js";

const REMOVED = "[removed under the retention policy]";

export async function anonymiseExpiredVisits(prisma: PrismaClient, now: Date): Promise<string[]> {
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
