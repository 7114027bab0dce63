import type { OnceClaim } from "../app/ports.js";
import type { Client } from "./prisma-tx.js";

/**
 * Takes a request's key, once across every instance. The unique key makes a second arrival wait
 * for the first's transaction: if it committed, the second is told what the first did; if it
 * rolled back, the second goes ahead.
 */
export async function claimOnce(client: Client, key: string, result: Record<string, unknown>, now: Date): Promise<OnceClaim> {
  const taken = await client.$queryRaw<{ key: string }[]>`
    INSERT INTO "OnceKey" (key, result, "createdAt") VALUES (${key}, ${JSON.stringify(result)}::jsonb, ${now})
    ON CONFLICT (key) DO NOTHING RETURNING key`;
  if (taken.length > 0) return { first: true };
  const rows = await client.$queryRaw<{ result: Record<string, unknown> }[]>`SELECT result FROM "OnceKey" WHERE key = ${key}`;
  return { first: false, result: rows[0]?.result ?? {} };
}
