import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decideOnVisit } from "../../src/app/use-cases/decide-visit.js";
import { requestVisit } from "../../src/app/use-cases/request-visit.js";
import { submitRecord } from "../../src/app/use-cases/submit-record.js";
import { FakeChat, fakeChatAdapter } from "../support/fake-chat.js";
import { person, say } from "../support/flows.js";
import { startTestApp, type TestApp } from "../support/test-app.js";
import { demoRequestInput } from "../support/visit-fixtures.js";

/**
 * Every time homevisit stores is school time from its injected clock: tests fix it, and the
 * console runs it faster. A time taken from the database's now() or the server's wall clock puts
 * reminders and ladders at the wrong moment, so this runs a whole visit a year and a half away
 * from the real date and then reads every timestamp column of every table.
 */
const START = "2025-06-10T09:00:00.000Z"; // a Tuesday, 10:00 in London (BST)
const DAY = 24 * 3600_000;

const chat = new FakeChat("console");
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({}, { adapters: [fakeChatAdapter(chat)], start: START });
});
afterAll(async () => {
  await app.close();
});

/** Every timestamptz column in the app's tables, with each row's value. */
async function everyStoredTime(): Promise<{ column: string; value: Date }[]> {
  const columns = await app.db.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
     WHERE table_schema = current_schema() AND data_type = 'timestamp with time zone' AND table_name <> '_prisma_migrations'`,
  );
  expect(columns.length).toBeGreaterThan(8);
  const out: { column: string; value: Date }[] = [];
  for (const { table_name, column_name } of columns) {
    const rows = await app.db.query<{ v: Date | null }>(`SELECT "${column_name}" AS v FROM "${table_name}"`);
    for (const row of rows) if (row.v) out.push({ column: `${table_name}.${column_name}`, value: new Date(row.v) });
  }
  return out;
}

describe("stored times", () => {
  it("all come from the app's clock, never the database's or the server's", async () => {
    const requested = await requestVisit(
      app.ctx,
      person("e.walsh"),
      demoRequestInput({ plannedStart: new Date("2025-06-10T10:00:00Z"), expectedReturn: new Date("2025-06-10T11:00:00Z") }),
    );
    if (!requested.ok) throw new Error(JSON.stringify(requested.errors));
    expect((await app.ctx.store.getVisit(requested.visit.id))?.createdAt.toISOString()).toBe(START);

    app.clock.advanceMinutes(40); // past the approval reminder
    await app.tick();
    const approved = await decideOnVisit(app.ctx, person("a.okafor"), requested.visit.id, { outcome: "approve" });
    if (!approved.ok) throw approved.error;
    await app.flush();
    await app.ctx.store.saveChannelBinding("console", "alerts", { channel: "alerts" });
    await say(app, "e.walsh", requested.visit.id, "leaving");
    app.clock.advanceMinutes(30); // a missed check-in: the ladder runs
    await app.tick();
    await say(app, "f.nowak", requested.visit.id, "back");
    const recorded = await submitRecord(app.ctx, person("e.walsh"), requested.visit.id, {
      present: "Mother",
      child_seen: "yes",
      safe_and_well: "yes",
      discussed: "Attendance",
    });
    expect(recorded.ok).toBe(true);
    await app.flush();

    const stored = await everyStoredTime();
    const columns = new Set(stored.map((s) => s.column));
    for (const expected of ["Visit.createdAt", "Visit.updatedAt", "Timer.createdAt", "Outbox.createdAt", "AuditEntry.at"])
      expect(columns).toContain(expected);
    const from = Date.parse(START) - DAY;
    const to = app.clock.now().getTime() + DAY;
    const outside = stored.filter((s) => s.value.getTime() < from || s.value.getTime() > to);
    expect(outside.map((s) => `${s.column} = ${s.value.toISOString()}`)).toEqual([]);
  });
});
