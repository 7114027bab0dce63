import type { SlackInstallationRow, SlackInstallationRows } from "../app/installation-port.js";
import type { Database } from "./open-database.js";
import { json } from "./visit-mapper.js";

/** The SlackInstallation table. Every time comes from the caller (the app's clock). */
export function createSlackInstallationRows(db: Database): SlackInstallationRows {
  const prisma = db.prisma;
  return {
    save: async (row) => {
      const data = { ...row, botScopes: json(row.botScopes) };
      const { id: _id, installedAt: _first, ...update } = data;
      // A reinstall keeps when the workspace first installed, and makes the installation active again.
      await prisma.slackInstallation.upsert({ where: { id: row.id }, create: data, update });
    },
    find: async (id) => {
      const row = await prisma.slackInstallation.findUnique({ where: { id } });
      return row ? toRow(row) : null;
    },
    revoke: async (id, at) => {
      const changed = await prisma.slackInstallation.updateMany({
        where: { id, revokedAt: null },
        data: { botToken: null, keyId: null, revokedAt: at, updatedAt: at },
      });
      return changed.count > 0;
    },
    list: async () => (await prisma.slackInstallation.findMany({ orderBy: { updatedAt: "desc" } })).map(toRow),
  };
}

function toRow(row: Omit<SlackInstallationRow, "botScopes"> & { botScopes: unknown }): SlackInstallationRow {
  return { ...row, botScopes: Array.isArray(row.botScopes) ? row.botScopes.map(String) : [] };
}
