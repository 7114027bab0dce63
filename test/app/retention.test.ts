import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { applyRetention } from "../../src/app/use-cases/apply-retention.js";
import { cancelVisit } from "../../src/app/use-cases/cancel-visit.js";
import { decideOnVisit } from "../../src/app/use-cases/decide-visit.js";
import { requestVisit } from "../../src/app/use-cases/request-visit.js";
import { acknowledgeAlert, confirmStaffSafe } from "../../src/app/use-cases/respond-to-alert.js";
import { submitRecord } from "../../src/app/use-cases/submit-record.js";
import { REMOVED } from "../../src/persistence/retained-visit.js";
import { FakeChat, fakeChatAdapter } from "../support/fake-chat.js";
import { person, say } from "../support/flows.js";
import { startTestApp, type TestApp } from "../support/test-app.js";
import { SCHOOL_MORNING } from "../support/test-clock.js";
import { demoRequestInput } from "../support/visit-fixtures.js";

/**
 * Twenty-five years on, a school must still be able to show that a visit happened, who went and
 * that it was authorised, and must hold nothing else. Every piece of free text anyone could have
 * typed goes in here, and afterwards no table anywhere may contain any of it.
 */
const SECRETS = {
  pupil: "Jamie Lee Smith",
  misId: "MIS-778812",
  initials: "J.L.S.",
  address: "12 Orchard Way",
  leadMobile: "07700 900105",
  secondMobile: "07700 900106",
  registration: "AB12 CDE",
  vehicle: "Vauxhall",
  risksHistory: "dad has shouted at staff before",
  risksArea: "park on Cedar Street, not outside",
  codeWord: "bluebell",
  conditionNote: "ring the office from the car first",
  declineReason: "social worker already visiting the Smiths today",
  cancelReason: "Mum rang: Jamie has chickenpox",
  unreadMessage: "neighbour says they moved to Leeds",
  takenNote: "I rang Erin, no answer yet",
  formPresent: "Mother and her partner Dean",
  formDiscussed: "Dean said the boy stays up gaming",
  formAgreements: "Mum will walk him in at 8:40",
  contactName: "Pat Contact",
} as const;

const chat = new FakeChat("console");
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({}, { adapters: [fakeChatAdapter(chat)] });
});
afterAll(async () => {
  await app.close();
});
beforeEach(() => app.clock.set(SCHOOL_MORNING));

const request = (minutesFromNow: number) => {
  const start = new Date(app.clock.now().getTime() + minutesFromNow * 60_000);
  return demoRequestInput({
    pupil: { name: SECRETS.pupil, misId: SECRETS.misId },
    address: `${SECRETS.address}, Salford M5 4AB`,
    plannedStart: start,
    expectedReturn: new Date(start.getTime() + 60 * 60_000),
    vehicle: { make: SECRETS.vehicle, model: "Corsa", colour: "Red", registration: SECRETS.registration },
    risks: { animals: true, history: SECRETS.risksHistory, area: SECRETS.risksArea },
    codeWord: SECRETS.codeWord,
  });
};

async function requested(minutesFromNow: number) {
  const made = await requestVisit(app.ctx, person("e.walsh"), request(minutesFromNow));
  if (!made.ok) throw new Error(JSON.stringify(made.errors));
  return made.visit;
}

async function everyRowAsText(): Promise<Record<string, string>> {
  const tables = await app.db.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
  );
  const out: Record<string, string> = {};
  for (const { name } of tables) {
    const rows = await app.db.query<{ row: string }>(`SELECT to_jsonb(t)::text AS row FROM "${name}" t`);
    out[name] = rows.map((r) => r.row).join("\n");
  }
  return out;
}

describe("retention", () => {
  it("leaves only who went, when, who authorised it and how it ended, and no free text in any table", async () => {
    // A visit that ran, with a condition, an unread message, an alarm taken with a note, and a form.
    const ran = await requested(30);
    const decided = await decideOnVisit(app.ctx, person("a.okafor"), ran.id, {
      outcome: "conditions",
      conditions: { requirePair: true, note: SECRETS.conditionNote },
    });
    expect(decided.ok).toBe(true);
    await app.flush();
    await say(app, "e.walsh", ran.id, "leaving");
    await say(app, "e.walsh", ran.id, "arrived");
    await say(app, "e.walsh", ran.id, SECRETS.unreadMessage);
    await say(app, "f.nowak", ran.id, SECRETS.codeWord);
    expect((await acknowledgeAlert(app.ctx, person("a.okafor"), ran.id, SECRETS.takenNote)).ok).toBe(true);
    expect((await confirmStaffSafe(app.ctx, person("a.okafor"), ran.id, "phone", SECRETS.takenNote)).ok).toBe(true);
    await say(app, "e.walsh", ran.id, "left");
    await say(app, "e.walsh", ran.id, "back");
    const form = await submitRecord(app.ctx, person("e.walsh"), ran.id, {
      present: SECRETS.formPresent,
      child_seen: "yes",
      safe_and_well: "yes",
      discussed: SECRETS.formDiscussed,
      agreements: SECRETS.formAgreements,
    });
    expect(form.ok).toBe(true);

    // One declined with a reason, one cancelled with a reason.
    const declined = await requested(120);
    expect(
      (await decideOnVisit(app.ctx, person("a.okafor"), declined.id, { outcome: "decline", reason: SECRETS.declineReason })).ok,
    ).toBe(true);
    const cancelled = await requested(180);
    expect((await decideOnVisit(app.ctx, person("a.okafor"), cancelled.id, { outcome: "approve" })).ok).toBe(true);
    expect((await cancelVisit(app.ctx, person("e.walsh"), cancelled.id, SECRETS.cancelReason)).ok).toBe(true);
    await app.flush();

    const before = JSON.stringify(await everyRowAsText());
    for (const secret of [SECRETS.pupil, SECRETS.declineReason, SECRETS.cancelReason, SECRETS.formDiscussed])
      expect(before, `the test must have stored ${secret} somewhere first`).toContain(secret);

    app.clock.advanceMinutes(26 * 366 * 24 * 60);
    const anonymised = await applyRetention(app.ctx);
    expect(anonymised.sort()).toEqual([ran.id, declined.id, cancelled.id].sort());

    const after = await everyRowAsText();
    // A member of staff's own current mobile and car (homevisit me): theirs to change, not a visit's.
    delete after.StaffDetails;
    // The school's staff directory and policy (its configuration, kept current by the school).
    delete after.School;
    delete after.SchoolPolicy;
    for (const [table, text] of Object.entries(after))
      for (const [what, secret] of Object.entries(SECRETS))
        expect(text.toLowerCase(), `${table} still holds the ${what}`).not.toContain(secret.toLowerCase());

    const [row] = await app.db.query<Record<string, unknown>>(`SELECT * FROM "Visit" WHERE id = $1`, ran.id);
    const at = expect.any(Date);
    const iso = expect.stringMatching(/^\d{4}-\d\d-\d\dT/);
    expect(row).toEqual({
      id: ran.id,
      schoolId: "default",
      status: "closed",
      version: expect.any(Number),
      platform: "console",
      requesterId: "e.walsh",
      leadStaffId: "e.walsh",
      secondStaffId: "f.nowak",
      pupilInitials: "",
      plannedStart: at,
      expectedReturn: at,
      request: {
        purposeId: "attendance",
        plannedStart: iso,
        durationMinutes: 45,
        expectedReturn: iso,
        parentsTold: true,
        pupil: { name: REMOVED },
        address: REMOVED,
        lead: { staffId: "e.walsh", name: REMOVED, mobile: REMOVED },
        second: { staffId: "f.nowak", name: REMOVED, mobile: REMOVED },
        vehicle: null,
        risks: { animals: false },
        responsibleContact: null,
      },
      codeWordHash: "",
      warnings: expect.arrayContaining([{ code: "animals", text: REMOVED }]),
      policyVersion: expect.any(String),
      // The policy as it was: roles and numbers, nothing about a pupil.
      policySnapshot: expect.objectContaining({ school: expect.any(Object) }),
      decision: { outcome: "approved", at: iso, by: { staffId: "a.okafor", name: REMOVED }, conditions: { requirePair: true } },
      progress: {
        leftSchoolAt: iso,
        arrivedAt: iso,
        leftAddressAt: iso,
        returnedAt: iso,
        expectedReturn: iso,
      },
      messageRefs: {},
      createdAt: at,
      updatedAt: at,
      recordedAt: at,
      anonymisedAt: at,
    });

    const [refused] = await app.db.query<{ decision: unknown; progress: Record<string, unknown> }>(
      `SELECT decision, progress FROM "Visit" WHERE id = $1`,
      declined.id,
    );
    expect(refused?.decision).toEqual({ outcome: "declined", at: iso, by: { staffId: "a.okafor", name: REMOVED } });
    const [called] = await app.db.query<{ progress: Record<string, unknown> }>(
      `SELECT progress FROM "Visit" WHERE id = $1`,
      cancelled.id,
    );
    expect(called?.progress.cancelled).toEqual({ by: "e.walsh", at: iso, name: REMOVED, reason: REMOVED });

    // The trail of who did what and when stays, without its details.
    const audit = await app.ctx.store.listAudit(ran.id);
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(["approved", "code_word", "record_submitted"]));
    expect(audit.every((a) => Object.keys(a.detail).length === 0)).toBe(true);
    for (const table of ["VisitRecord", "Outbox", "Timer", "ThreadLink", "OnceKey"])
      expect(after[table], `${table} rows for anonymised visits`).toBe("");

    // Run again the next night: nothing more to do, and nothing breaks on the anonymised rows.
    app.clock.advanceMinutes(24 * 60);
    expect(await applyRetention(app.ctx)).toEqual([]);
  });

  it("drops old copies of delivered messages but never one still waiting to be delivered", async () => {
    const visit = await requested(60);
    await app.flush();
    chat.failNext(1_000);
    expect((await decideOnVisit(app.ctx, person("a.okafor"), visit.id, { outcome: "approve" })).ok).toBe(true);
    await app.flush();
    const count = async (state: string) =>
      (
        await app.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM "Outbox" WHERE state = $1 AND "visitId" = $2`,
          state,
          visit.id,
        )
      )[0]?.n;
    expect(await count("delivered")).toBeGreaterThan(0);
    const waiting = await count("pending");
    expect(waiting).toBeGreaterThan(0);

    app.clock.advanceMinutes(31 * 24 * 60);
    await applyRetention(app.ctx);
    expect(await count("delivered")).toBe(0);
    expect(await count("pending")).toBe(waiting);
    chat.failNext(0);
  });
});
