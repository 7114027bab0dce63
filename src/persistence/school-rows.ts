import { createHash } from "node:crypto";
import type { SchoolStore } from "../app/school-port.js";
import type { Clock } from "../domain/clock.js";
import { type Policy, withCurrentDefaults } from "../domain/policy.js";
import type { PolicyVersion, School } from "../domain/school.js";
import { type Directory, directorySchema, type Platform } from "../domain/school-directory.js";
import type { Database } from "./open-database.js";
import { TX_OPTIONS } from "./prisma-tx.js";
import { json } from "./visit-mapper.js";

interface SchoolRow {
  id: string;
  name: string;
  timezone: string;
  directory: Directory;
  directorySeed: string | null;
  policy: Policy | null;
}

/** A directory as stored, with the defaults of keys added since it was saved (staffJoin, groups). */
function readDirectory(stored: unknown): Directory {
  const parsed = directorySchema.safeParse(stored);
  return parsed.success ? parsed.data : (stored as Directory);
}

const checksumOf = (policy: Policy) => createHash("sha256").update(JSON.stringify(policy)).digest("hex");

/** The schools in the database: each with its directory and every version of its policy. */
export function createSchoolStore(db: Database, clock: Clock): SchoolStore {
  const prisma = db.prisma;
  const load = async (id: string | null): Promise<School[]> => {
    const rows = await prisma.$queryRaw<SchoolRow[]>`
      SELECT s.id, s.name, s.timezone, s.directory, s."directorySeed",
        (SELECT p.policy FROM "SchoolPolicy" p WHERE p."schoolId" = s.id ORDER BY p.id DESC LIMIT 1) AS policy
      FROM "School" s WHERE ${id}::text IS NULL OR s.id = ${id} ORDER BY s.id`;
    return rows.flatMap((row) =>
      row.policy
        ? [
            {
              id: row.id,
              name: row.name,
              timezone: row.timezone,
              directory: readDirectory(row.directory),
              ...(row.directorySeed ? { directorySeed: row.directorySeed } : {}),
              policy: withCurrentDefaults(row.policy),
            },
          ]
        : [],
    );
  };
  return {
    list: () => load(null),
    get: async (id) => (await load(id))[0] ?? null,
    save: async (school) => {
      const now = clock.now();
      const checksum = checksumOf(school.policy);
      return prisma.$transaction(async (tx) => {
        await tx.school.upsert({
          where: { id: school.id },
          create: {
            id: school.id,
            name: school.name,
            timezone: school.timezone,
            directory: json(school.directory),
            directorySeed: school.directorySeed ?? null,
            createdAt: now,
            updatedAt: now,
          },
          update: {
            name: school.name,
            timezone: school.timezone,
            directory: json(school.directory),
            ...(school.directorySeed ? { directorySeed: school.directorySeed } : {}),
            updatedAt: now,
          },
        });
        const latest = await tx.schoolPolicy.findFirst({ where: { schoolId: school.id }, orderBy: { id: "desc" } });
        // The same policy again is not a new version: visits and the history keep pointing at the one there is.
        if (latest?.checksum === checksum) return { policyChanged: false };
        await tx.schoolPolicy.create({
          data: { schoolId: school.id, version: school.policy.version, checksum, policy: json(school.policy), createdAt: now },
        });
        return { policyChanged: true };
      }, TX_OPTIONS);
    },
    places: async () => {
      const [schools, bindings, workspaces] = await Promise.all([
        prisma.school.findMany({ select: { id: true, directory: true }, orderBy: { id: "asc" } }),
        prisma.channelBinding.findMany({ where: { NOT: { role: { startsWith: "user:" } } } }),
        prisma.schoolWorkspace.findMany({ orderBy: [{ createdAt: "asc" }, { workspace: "asc" }] }),
      ]);
      return schools.map((school) => ({
        id: school.id,
        directory: school.directory as unknown as Directory,
        boundChannels: bindings.flatMap((b) => {
          const channel = (b.ref as { channel?: unknown } | null)?.channel;
          return b.schoolId === school.id && typeof channel === "string" ? [{ platform: b.platform as Platform, channel }] : [];
        }),
        workspaces: workspaces
          .filter((w) => w.schoolId === school.id)
          .map((w) => ({ platform: w.platform as Platform, workspace: w.workspace })),
      }));
    },
    bindWorkspace: async (schoolId, platform, workspace) => {
      await prisma.schoolWorkspace.upsert({
        where: { platform_workspace_schoolId: { platform, workspace, schoolId } },
        create: { platform, workspace, schoolId, createdAt: clock.now() },
        update: {},
      });
    },
    workspacesOf: async (schoolId, platform) =>
      (await prisma.schoolWorkspace.findMany({ where: { schoolId, platform }, orderBy: { createdAt: "asc" } })).map(
        (w) => w.workspace,
      ),
    changeDirectory: (id, change) =>
      prisma.$transaction(async (tx) => {
        const rows = await tx.$queryRaw<{ directory: unknown }[]>`SELECT directory FROM "School" WHERE id = ${id} FOR UPDATE`;
        if (!rows[0]) throw new Error(`no school ${id}`);
        const { directory, result } = change(readDirectory(rows[0].directory));
        if (directory) await tx.school.update({ where: { id }, data: { directory: json(directory), updatedAt: clock.now() } });
        return result;
      }, TX_OPTIONS),
    // One probe of the (schoolId, state, dueAt) index per school, rather than a scan of every timer.
    nextTimers: () =>
      prisma.$queryRaw<{ schoolId: string; dueAt: Date }[]>`
        SELECT s.id AS "schoolId", n."dueAt" FROM "School" s CROSS JOIN LATERAL (
          SELECT t."dueAt" FROM "Timer" t WHERE t."schoolId" = s.id AND t.state = 'pending' ORDER BY t."dueAt" LIMIT 1
        ) n`,
    history: async (id): Promise<PolicyVersion[]> =>
      (await prisma.schoolPolicy.findMany({ where: { schoolId: id }, orderBy: { id: "asc" } })).map((row) => ({
        version: row.version,
        checksum: row.checksum,
        createdAt: row.createdAt,
      })),
  };
}
