import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { syncFromWonde } from "../../../src/adapters/wonde/sync-from-wonde.js";
import { WondeError } from "../../../src/adapters/wonde/wonde-client.js";
import { startTestApp, type TestApp } from "../../support/test-app.js";

/** Wonde at the network edge (nock), in the shapes of its API: data + meta.pagination.next, bearer token. */
const API = "https://api.wonde.com";
const SCHOOL = "A1930499544";
const settings = { token: "wonde-token-1", schoolId: SCHOOL, apiUrl: `${API}/v1.0/` };
const fast = { sleep: async () => {} };

const student = (id: string, misId: string, forename: string, surname: string) => ({
  id,
  upi: `upi-${id}`,
  mis_id: misId,
  forename,
  surname,
  contact_details: {
    data: { addresses: { home: { house_number: "14", street: "Acacia Avenue", town: "Lincoln", postcode: "LN1 4AB" } } },
  },
});
const mark = (studentId: string, day: string, session: "AM" | "PM", code: string) => ({
  id: `M${studentId}${day}${session}`,
  student: studentId,
  session,
  date: { date: `${day} 00:00:00.000000`, timezone_type: 3, timezone: "Europe/London" },
  attendance_code: { data: { id: `C${code}`, code } },
});

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ POLICY_FILE: "policies/lincolnshire.yaml" });
});
afterAll(async () => {
  await app?.close();
});
afterEach(() => {
  nock.cleanAll();
});

describe("the Wonde sync", () => {
  it("reads every page of students and session marks, waits out a 429, and saves the register", async () => {
    const auth = { reqheaders: { authorization: "Bearer wonde-token-1" } };
    nock(API, auth)
      .get(`/v1.0/schools/${SCHOOL}/students`)
      .query(true)
      .reply(200, {
        data: [student("A1", "1001", "Jamie", "Smith")],
        meta: { pagination: { next: `${API}/v1.0/schools/${SCHOOL}/students?page=2`, more: true } },
      })
      .get(`/v1.0/schools/${SCHOOL}/students`)
      .query({ page: "2" })
      .reply(200, { data: [student("A2", "1002", "Priya", "Shah")], meta: { pagination: { next: null, more: false } } });
    nock(API, auth)
      .get(`/v1.0/schools/${SCHOOL}/attendance/session`)
      .query(true)
      .reply(429, { error: "Too many requests" }, { "retry-after": "2" })
      .get(`/v1.0/schools/${SCHOOL}/attendance/session`)
      .query(true)
      .reply(200, {
        data: [
          mark("A1", "2026-11-23", "AM", "N"),
          mark("A1", "2026-11-23", "PM", "N"),
          mark("A2", "2026-11-23", "AM", "/"),
          mark("A2", "2026-11-23", "PM", "ZZ"),
        ],
        meta: { pagination: { next: null } },
      });
    const waits: number[] = [];
    const report = await syncFromWonde(app.ctx, settings, { sleep: async (ms) => void waits.push(ms) });
    expect(report).toEqual({ pupils: 2, days: 2, skipped: 1 });
    expect(waits).toEqual([2000]);
    expect(await app.ctx.store.attendance.getPupil("1001")).toMatchObject({
      name: "Jamie Smith",
      address: "14, Acacia Avenue, Lincoln, LN1 4AB",
    });
    const days = await app.ctx.store.attendance.registerSince("2026-11-01");
    expect(days.get("1001")).toEqual([{ day: "2026-11-23", kind: "no_contact" }]);
    expect(await app.ctx.store.attendance.lastSync("wonde")).toBeTruthy();
    expect(nock.isDone()).toBe(true);
  });

  it("the next sync asks only for marks updated since the last one", async () => {
    nock(API).get(`/v1.0/schools/${SCHOOL}/students`).query(true).reply(200, { data: [], meta: {} });
    let query: Record<string, string> = {};
    nock(API)
      .get(`/v1.0/schools/${SCHOOL}/attendance/session`)
      .query((q) => {
        query = q as Record<string, string>;
        return true;
      })
      .reply(200, { data: [], meta: {} });
    await syncFromWonde(app.ctx, settings, fast);
    expect(query.updated_after).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });

  it("Wonde answering 500 every time fails after the retries, and nothing is saved", async () => {
    nock(API).get(`/v1.0/schools/${SCHOOL}/students`).query(true).times(6).reply(500, { error: "oops" });
    const before = await app.ctx.store.attendance.lastSync("wonde");
    await expect(syncFromWonde(app.ctx, settings, fast)).rejects.toThrow(WondeError);
    expect(nock.isDone()).toBe(true);
    expect(await app.ctx.store.attendance.lastSync("wonde")).toEqual(before);
  });

  it("a refused token says what to fix", async () => {
    nock(API).get(`/v1.0/schools/${SCHOOL}/students`).query(true).reply(401, {});
    await expect(syncFromWonde(app.ctx, settings, fast)).rejects.toThrow(
      /Wonde refused the token \(HTTP 401\): check WONDE_TOKEN/,
    );
  });
});
