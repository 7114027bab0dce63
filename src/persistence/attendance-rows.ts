import { randomUUID } from "node:crypto";
import type { AttendanceTx, FollowUpRow, TriggerRow } from "../app/attendance/attendance-port.js";
import type { Clock } from "../domain/clock.js";
import { claimOnce } from "./once-keys.js";
import { PendingWrites } from "./pending-writes.js";
import type { Client, Tx } from "./prisma-tx.js";

type TriggerDb = Omit<TriggerRow, "detail"> & { detail: unknown };

export function toTrigger(row: TriggerDb): TriggerRow {
  return { ...row, detail: (row.detail ?? {}) as Record<string, unknown> };
}

export async function findTriggers(
  client: Client,
  school: string,
  query: { id?: string; state?: string; kind?: string; pupilId?: string },
  lock = false,
): Promise<TriggerRow[]> {
  const rows = await client.$queryRawUnsafe<TriggerDb[]>(
    `SELECT id, "pupilId", kind, episode, state, "firedAt", "remindedOn", detail, "visitId", "dismissedAt", "dismissedBy", "dismissReason"
     FROM "AttendanceTrigger" WHERE "schoolId" = $1 AND ($2::text IS NULL OR id = $2) AND ($3::text IS NULL OR state = $3)
       AND ($4::text IS NULL OR kind = $4) AND ($5::text IS NULL OR "pupilId" = $5)
     ORDER BY "firedAt", id ${lock ? "FOR UPDATE" : ""}`,
    school,
    query.id ?? null,
    query.state ?? null,
    query.kind ?? null,
    query.pupilId ?? null,
  );
  return rows.map(toTrigger);
}

export async function findFollowUps(client: Client, school: string, query: { id?: string; visitId?: string }, lock = false) {
  return client.$queryRawUnsafe<FollowUpRow[]>(
    `SELECT id, "visitId", position, agreement, "dueAt", state, "askedAt", "answeredAt", "answeredBy"
     FROM "AgreementFollowUp" WHERE "schoolId" = $3 AND ($1::text IS NULL OR id = $1) AND ($2::text IS NULL OR "visitId" = $2)
     ORDER BY "visitId", position ${lock ? "FOR UPDATE" : ""}`,
    query.id ?? null,
    query.visitId ?? null,
    school,
  );
}

/** One attendance transaction: its own rows, with audit entries and outbox messages written at the end. */
export async function inAttendanceTx<T>(
  tx: Tx,
  school: string,
  clock: Clock,
  work: (atx: AttendanceTx) => Promise<T>,
): Promise<T> {
  const writes = new PendingWrites(school);
  const atx: AttendanceTx = {
    insertTrigger: async (row) => {
      const id = randomUUID();
      const inserted = await tx.$queryRaw<{ id: string }[]>`
        INSERT INTO "AttendanceTrigger" (id, "schoolId", "pupilId", kind, episode, "firedAt", "remindedOn", detail)
        VALUES (${id}, ${school}, ${row.pupilId}, ${row.kind}, ${row.episode}, ${row.firedAt}, ${row.remindedOn},
          ${JSON.stringify(row.detail)}::jsonb)
        ON CONFLICT ("schoolId", "pupilId", kind, episode) DO NOTHING RETURNING id`;
      if (inserted.length === 0) return null;
      return { ...row, id, state: "open", visitId: null, dismissedAt: null, dismissedBy: null, dismissReason: null };
    },
    getTriggerForUpdate: async (id) => (await findTriggers(tx, school, { id }, true))[0] ?? null,
    updateTrigger: async (id, change) => {
      await tx.$executeRaw`
        UPDATE "AttendanceTrigger" SET
          state = COALESCE(${change.state ?? null}, state),
          "remindedOn" = COALESCE(${change.remindedOn ?? null}, "remindedOn"),
          "visitId" = COALESCE(${change.visitId ?? null}, "visitId"),
          "dismissedAt" = COALESCE(${change.dismissedAt ?? null}::timestamptz, "dismissedAt"),
          "dismissedBy" = COALESCE(${change.dismissedBy ?? null}, "dismissedBy"),
          "dismissReason" = COALESCE(${change.dismissReason ?? null}, "dismissReason")
        WHERE id = ${id}`;
    },
    insertFollowUps: async (rows) => {
      if (rows.length === 0) return;
      await tx.$executeRawUnsafe(
        `INSERT INTO "AgreementFollowUp" (id, "schoolId", "visitId", position, agreement, "dueAt")
         SELECT x.id, $1, x."visitId", x.position, x.agreement, x."dueAt"
         FROM jsonb_to_recordset($2::jsonb) AS x(id text, "visitId" text, position int, agreement text, "dueAt" timestamptz)
         ON CONFLICT ("visitId", position) DO NOTHING`,
        school,
        JSON.stringify(rows),
      );
    },
    getFollowUpForUpdate: async (id) => (await findFollowUps(tx, school, { id }, true))[0] ?? null,
    updateFollowUp: async (id, change) => {
      await tx.$executeRaw`
        UPDATE "AgreementFollowUp" SET state = COALESCE(${change.state ?? null}, state),
          "askedAt" = COALESCE(${change.askedAt ?? null}::timestamptz, "askedAt"),
          "answeredAt" = COALESCE(${change.answeredAt ?? null}::timestamptz, "answeredAt"),
          "answeredBy" = COALESCE(${change.answeredBy ?? null}, "answeredBy")
        WHERE id = ${id}`;
    },
    enqueue: async (messages, now) => {
      for (const message of messages) writes.outbox.push({ message, now });
    },
    appendAudit: async (entry) => {
      writes.audit.push(entry);
    },
    claimOnce: async (key) => (await claimOnce(tx, key, {}, clock.now())).first,
  };
  const result = await work(atx);
  await writes.write(tx, clock.now());
  return result;
}
