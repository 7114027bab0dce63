import { expect } from "vitest";
import { decideOnVisit } from "../../src/app/use-cases/decide-visit.js";
import { replyToVisit } from "../../src/app/use-cases/reply-to-visit.js";
import { requestVisit } from "../../src/app/use-cases/request-visit.js";
import type { Actor, Visit } from "../../src/domain/visit.js";
import type { VisitRequestInput } from "../../src/domain/visit-request.js";
import type { TestApp } from "./test-app.js";
import { demoRequestInput } from "./visit-fixtures.js";

const names: Record<string, string> = {
  "a.okafor": "Ada Okafor",
  "b.hughes": "Ben Hughes",
  "c.morgan": "Carys Morgan",
  "d.shah": "Dev Shah",
  "e.walsh": "Erin Walsh",
  "f.nowak": "Filip Nowak",
};

/** A member of the demo school acting through the console platform. */
export function person(staffId: string): Actor {
  return { staffId, name: names[staffId] ?? staffId, platform: "console" };
}

/** Erin requests the demo visit and Ada (DSL) approves it; the outbox is delivered. */
export async function requestAndApprove(app: TestApp, overrides: Partial<VisitRequestInput> = {}): Promise<Visit> {
  const requested = await requestVisit(app.ctx, person("e.walsh"), demoRequestInput(overrides));
  if (!requested.ok) throw new Error(`request refused: ${JSON.stringify(requested.errors)}`);
  const approved = await decideOnVisit(app.ctx, person("a.okafor"), requested.visit.id, { outcome: "approve" });
  if (!approved.ok) throw approved.error;
  await app.flush();
  return approved.value;
}

/** Types in the visit thread as someone, expecting the bot to take it as a reply. */
export async function say(app: TestApp, staffId: string, visitId: string, text: string): Promise<Visit> {
  const result = await replyToVisit(app.ctx, person(staffId), visitId, text);
  if (!result.ok) throw result.error;
  expect(result.value.handled).toBe(true);
  await app.flush();
  if (!result.value.handled) throw new Error("not handled");
  return result.value.visit;
}
