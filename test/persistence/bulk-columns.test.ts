import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INSERT_VISITS_SQL, INSERTED_VISIT_COLUMNS } from "../../bench/insert-visits.js";
import { loadPolicyFile } from "../../src/config/load-school.js";
import type { Visit } from "../../src/domain/visit.js";
import { SAVED_VISIT_COLUMNS, UPDATE_VISITS_SQL } from "../../src/persistence/visit-writes.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";
import { demoVisit } from "../support/visit-fixtures.js";

/**
 * The Visit columns a save deliberately does not write, and why. A new column is in neither list,
 * and the first test fails until someone decides which it is.
 */
const NOT_SAVED: Record<string, string> = {
  id: "the key: the statement finds the row by it",
  createdAt: "set once, when the visit is requested",
  messageRefs: "written on its own (jsonb_set) when a platform posts the card or the thread, so saves never race it",
  recordedAt: "set when the Home Visit Form is submitted, in the same transaction as the record",
  anonymisedAt: "set by the nightly retention job only",
  schoolId: "set once, when the visit is requested; a visit never moves school",
};

/** The benchmark inserts visits that are under way: no record yet, not anonymised. */
const NOT_INSERTED: Record<string, string> = {
  recordedAt: "a visit under way has no Home Visit Form yet",
  anonymisedAt: "a visit under way is not past retention",
};

/** information_schema's data_type, as the jsonb_to_recordset column types spell it. */
const RECORDSET_TYPE: Record<string, string> = {
  text: "text",
  integer: "int",
  jsonb: "jsonb",
  "timestamp with time zone": "timestamptz",
};

let db: TestDatabase;
let columns: Map<string, string>;
beforeAll(async () => {
  db = await createTestDatabase();
  const rows = await db.query<{ column_name: string; data_type: string }>(
    `SELECT column_name, data_type FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name = 'Visit'`,
  );
  columns = new Map(rows.map((row) => [row.column_name, RECORDSET_TYPE[row.data_type] ?? row.data_type]));
});
afterAll(async () => {
  await db?.drop();
});

describe("the bulk visit save (UPDATE … FROM jsonb_to_recordset in src/persistence/visit-writes.ts)", () => {
  it("writes every column of the Visit table except the few listed with their reason", () => {
    expect(columns.size).toBeGreaterThan(15);
    const saved = SAVED_VISIT_COLUMNS.map(({ column }) => column);
    const missing = [...columns.keys()].filter((column) => !saved.includes(column) && !(column in NOT_SAVED));
    expect(missing, "columns neither saved nor listed in NOT_SAVED").toEqual([]);
    expect(saved.filter((column) => column in NOT_SAVED)).toEqual([]);
    // An exemption for a column that is gone (renamed, dropped) must go too.
    expect(Object.keys(NOT_SAVED).filter((column) => !columns.has(column))).toEqual([]);
  });

  it("reads each column in the recordset with the column's own type, and sets it in the statement", () => {
    for (const { column, type, from, keepWhenNull } of SAVED_VISIT_COLUMNS) {
      expect(type, column).toBe(columns.get(column));
      const value = `x."${from ?? column}"`;
      expect(UPDATE_VISITS_SQL).toContain(`"${column}" = ${keepWhenNull ? `COALESCE(${value}, v."${column}")` : value}`);
      expect(UPDATE_VISITS_SQL).toContain(`"${from ?? column}" ${type}`);
    }
  });

  it("changes each of those columns when the visit changes (none is listed but left unfilled)", async () => {
    const before = demoVisit("HV-BULK2", { codeWordHash: "scrypt2$1$before", policy });
    await db.store.inTransaction((tx) => tx.insertVisit(before));
    const read = await db.store.getVisit(before.id);
    if (!read) throw new Error("not saved");
    const rowBefore = await rawRow(before.id);
    db.clock.advanceMinutes(7);
    const saved = await db.store.inTransaction((tx) => tx.updateVisit(everythingChanged(read)));
    expect(saved?.version).toBe(1);
    const rowAfter = await rawRow(before.id);
    const unchanged = SAVED_VISIT_COLUMNS.map(({ column }) => column).filter(
      (column) => JSON.stringify(rowAfter[column]) === JSON.stringify(rowBefore[column]),
    );
    expect(unchanged).toEqual([]);
  });
});

describe("the benchmark's bulk visit INSERT (bench/insert-visits.ts)", () => {
  it("fills every column of the Visit table but those a visit under way does not have yet", () => {
    const inserted = INSERTED_VISIT_COLUMNS.map(({ column }) => column);
    const missing = [...columns.keys()].filter((column) => !inserted.includes(column) && !(column in NOT_INSERTED));
    expect(missing, "columns neither inserted nor listed in NOT_INSERTED").toEqual([]);
    expect(Object.keys(NOT_INSERTED).filter((column) => !columns.has(column) || inserted.includes(column))).toEqual([]);
    for (const { column, type } of INSERTED_VISIT_COLUMNS) {
      expect(type, column).toBe(columns.get(column));
      expect(INSERT_VISITS_SQL).toContain(`"${column}" ${type}`);
    }
  });
});

const policy = loadPolicyFile("policies/default.yaml");

/** The same visit with a new value in every column a save writes. */
function everythingChanged(visit: Visit): Visit {
  const plannedStart = new Date("2026-11-25T09:00:00.000Z");
  return {
    ...visit,
    status: "approved",
    platform: "slack",
    requesterId: "a.okafor",
    request: {
      ...visit.request,
      pupil: { ...visit.request.pupil, name: "Robin Park" },
      lead: { staffId: "a.okafor", name: "Ada Okafor", mobile: "07700 900101" },
      second: { staffId: "b.hughes", name: "Ben Hughes", mobile: "07700 900102" },
      plannedStart,
    },
    codeWordHash: "scrypt2$1$after",
    warnings: [],
    policy: { ...visit.policy, version: `${visit.policy.version}-edited` },
    policyVersion: `${visit.policyVersion}-edited`,
    decision: { outcome: "approved", by: { staffId: "a.okafor", name: "Ada Okafor" }, at: "2026-11-24T10:07:00.000Z" },
    progress: { expectedReturn: "2026-11-25T10:30:00.000Z" },
  };
}

async function rawRow(id: string): Promise<Record<string, unknown>> {
  const [row] = await db.query<Record<string, unknown>>(`SELECT * FROM "Visit" WHERE id = $1`, id);
  if (!row) throw new Error(`no row ${id}`);
  return row;
}
