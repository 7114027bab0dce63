import type { MessageRef } from "../app/ports.js";
import type { Platform } from "../domain/school-directory.js";
import type { Client } from "./prisma-tx.js";

/** A channel as threads name it: Teams adds ";messageid=<root>" to a thread's conversation id. */
export function baseChannel(channel: string): string {
  return channel.split(";")[0] ?? channel;
}

/** The thread a delivered message roots: Slack and the console call it ts, Teams id. */
export function threadOf(ref: MessageRef): { channel: string; threadId: string } | null {
  const threadId = ref.ts ?? ref.id;
  return ref.channel && threadId ? { channel: baseChannel(ref.channel), threadId } : null;
}

export async function linkThread(
  client: Client,
  school: string,
  platform: Platform,
  channel: string,
  threadId: string,
  visitId: string,
  now: Date,
): Promise<void> {
  await client.$executeRaw`
    INSERT INTO "ThreadLink" ("schoolId", platform, channel, "threadId", "visitId", "createdAt")
    VALUES (${school}, ${platform}, ${baseChannel(channel)}, ${threadId}, ${visitId}, ${now})
    ON CONFLICT (platform, channel, "threadId") DO NOTHING`;
}

export async function findThreadVisitId(client: Client, school: string, platform: Platform, channel: string, threadId: string) {
  const rows = await client.$queryRaw<{ visitId: string }[]>`
    SELECT "visitId" FROM "ThreadLink"
    WHERE "schoolId" = ${school} AND platform = ${platform} AND channel = ${baseChannel(channel)} AND "threadId" = ${threadId}`;
  return rows[0]?.visitId ?? null;
}
