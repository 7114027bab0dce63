import type { Database } from "./open-database.js";

/**
 * A daily job runs once per school day across every instance: under a PostgreSQL advisory lock
 * (two instances firing at 02:30 do not run it side by side), and only when no instance has a row
 * for that day yet (one that fires a second later does not run it again). A failed run removes its
 * row, so a restart or the next instance may try again.
 */
export async function runDailyJob(
  db: Database,
  school: string,
  job: string,
  day: string,
  instance: string,
  at: Date,
  work: () => Promise<void>,
  finishedAt: () => Date,
): Promise<boolean> {
  const prisma = db.prisma;
  let ran = false;
  await db.withAdvisoryLock(`homevisit:daily:${school}:${job}`, async () => {
    const claimed = await prisma.$executeRaw`
      INSERT INTO "DailyJobRun" ("schoolId", job, day, instance, "startedAt") VALUES (${school}, ${job}, ${day}, ${instance}, ${at})
      ON CONFLICT (job, day, "schoolId") DO NOTHING`;
    if (claimed !== 1) return;
    try {
      await work();
    } catch (error) {
      await prisma.$executeRaw`DELETE FROM "DailyJobRun" WHERE job = ${job} AND day = ${day} AND "schoolId" = ${school}`.catch(
        () => {},
      );
      throw error;
    }
    await prisma.$executeRaw`UPDATE "DailyJobRun" SET "finishedAt" = ${finishedAt()} WHERE job = ${job} AND day = ${day} AND "schoolId" = ${school}`;
    ran = true;
  });
  return ran;
}
