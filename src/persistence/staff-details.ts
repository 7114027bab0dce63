import type { StaffDetails } from "../domain/staff-details.js";
import type { Client } from "./prisma-tx.js";

export async function getStaffDetails(client: Client, school: string, staffId: string): Promise<StaffDetails | null> {
  const rows = await client.$queryRaw<{ mobile: string | null; vehicle: StaffDetails["vehicle"] }[]>`
    SELECT mobile, vehicle FROM "StaffDetails" WHERE "schoolId" = ${school} AND "staffId" = ${staffId}`;
  const row = rows[0];
  if (!row) return null;
  return { ...(row.mobile ? { mobile: row.mobile } : {}), vehicle: row.vehicle ?? null };
}

/** Replaces what was kept: the newest form a person filled is what they meant. */
export async function saveStaffDetails(
  client: Client,
  school: string,
  staffId: string,
  details: StaffDetails,
  now: Date,
): Promise<void> {
  const vehicle = details.vehicle ? JSON.stringify(details.vehicle) : null;
  await client.$executeRaw`
    INSERT INTO "StaffDetails" ("schoolId", "staffId", mobile, vehicle, "updatedAt")
    VALUES (${school}, ${staffId}, ${details.mobile ?? null}, ${vehicle}::jsonb, ${now})
    ON CONFLICT ("schoolId", "staffId") DO UPDATE SET mobile = EXCLUDED.mobile, vehicle = EXCLUDED.vehicle, "updatedAt" = EXCLUDED."updatedAt"`;
}
