import { expect } from "vitest";
import type { AuditEntry, Store } from "../../src/app/ports.js";
import { decideOnVisit } from "../../src/app/use-cases/decide-visit.js";
import { replyToVisit } from "../../src/app/use-cases/reply-to-visit.js";
import { requestVisit } from "../../src/app/use-cases/request-visit.js";
import type { Actor } from "../../src/domain/visit.js";
import type { VisitRequestInput } from "../../src/domain/visit-request.js";
import type { FakeChat, SentMessage } from "../support/fake-chat.js";
import type { TestApp } from "../support/test-app.js";
import type { TestDatabase } from "../support/test-database.js";
import { demoRequestInput } from "../support/visit-fixtures.js";

/** The demo school's people (schools/demo.yaml), as the console platform names them. */
const actor = (staffId: string, name: string): Actor => ({ staffId, name, platform: "console" });
export const walsh = actor("e.walsh", "Erin Walsh"); // lead
export const nowak = actor("f.nowak", "Filip Nowak"); // second
export const okafor = actor("a.okafor", "Ada Okafor"); // dsl
export const hughes = actor("b.hughes", "Ben Hughes"); // deputy_dsl
export const morgan = actor("c.morgan", "Carys Morgan"); // headteacher
export const shah = actor("d.shah", "Dev Shah"); // office

/** 10:mm:ss on the test morning (Tuesday 24 November 2026, GMT). */
export function time(hhmm: string, seconds = 0): Date {
  return new Date(`2026-11-24T${hhmm}:${String(seconds).padStart(2, "0")}.000Z`);
}

/** Moves the app's clock to `at` and runs one tick (timers, then the outbox). */
export async function tickAt(app: TestApp, at: Date): Promise<void> {
  app.clock.set(at);
  await app.tick();
}

export function advanceMs(app: TestApp, ms: number): Date {
  app.clock.set(new Date(app.clock.now().getTime() + ms));
  return app.clock.now();
}

export function unwrapResult<T>(result: { ok: true; value: T } | { ok: false; error: Error }): T {
  if (!result.ok) throw result.error;
  return result.value;
}

/**
 * The lead (Erin Walsh unless given) asks for the demo visit, the DSL approves (unless another
 * approver is given), the thread opens, and at `leaveAt` the lead replies "leaving". Returns the
 * visit id; everything is delivered.
 */
export async function visitUnderWay(
  app: TestApp,
  options: { leaveAt?: Date; input?: Partial<VisitRequestInput>; approver?: Actor; lead?: Actor } = {},
): Promise<string> {
  const lead = options.lead ?? walsh;
  const requested = await requestVisit(app.ctx, lead, demoRequestInput(options.input));
  if (!requested.ok) throw new Error(`request refused: ${JSON.stringify(requested.errors)}`);
  const id = requested.visit.id;
  unwrapResult(await decideOnVisit(app.ctx, options.approver ?? okafor, id, { outcome: "approve" }));
  await app.flush();
  if (options.leaveAt) app.clock.set(options.leaveAt);
  const left = unwrapResult(await replyToVisit(app.ctx, lead, id, "leaving"));
  expect(left).toMatchObject({ handled: true, action: "left_school" });
  await app.flush();
  return id;
}

export function dmsTo(chat: FakeChat, staffId: string, contains?: string | RegExp): SentMessage[] {
  return chat.toUser(staffId).filter((m) => matches(m, contains));
}

export function postsIn(chat: FakeChat, channel: string, contains?: string | RegExp): SentMessage[] {
  return chat.inChannel(channel).filter((m) => matches(m, contains));
}

function matches(message: SentMessage, contains?: string | RegExp): boolean {
  if (contains === undefined) return true;
  return typeof contains === "string" ? message.visibleText.includes(contains) : contains.test(message.visibleText);
}

/** Everything about a message, visible or not (blocks, buttons, mentions), as one string. */
export function everything(message: SentMessage): string {
  return JSON.stringify(message);
}

export interface StepAudit {
  step: string;
  at: string;
  targets: unknown;
  reason: unknown;
}

export async function escalationAudit(store: Store, visitId: string): Promise<StepAudit[]> {
  return (await store.listAudit(visitId))
    .filter((entry: AuditEntry) => entry.action === "escalation_step")
    .map((entry) => ({
      step: String(entry.detail.step),
      at: entry.at.toISOString(),
      targets: entry.detail.targets,
      reason: entry.detail.reason,
    }));
}

/** Closes the given stores (even ones opened outside the test database), then drops the database. */
export async function closeAndDrop(db: TestDatabase, stores: readonly Store[] = []): Promise<void> {
  if (db.kind === "postgres") for (const store of new Set([db.store, ...stores])) await store.close().catch(() => {});
  await db.drop();
}
