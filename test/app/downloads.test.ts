import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shareExport } from "../../src/app/use-cases/share-export.js";
import { FakeChat, fakeChatAdapter } from "../support/fake-chat.js";
import { person, requestAndApprove } from "../support/flows.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({}, { adapters: [fakeChatAdapter(new FakeChat("console"))] });
});
afterAll(async () => {
  await app.close();
});

describe("an export asked for in chat", () => {
  it("is a private link that works for 15 minutes, and every download is audited", async () => {
    await requestAndApprove(app);
    const shared = await shareExport(app.ctx, person("c.morgan"), "2026-11-24", "2026-11-24");
    if (!shared.ok) throw shared.error;
    expect(shared.value.visits).toBe(1);
    expect(shared.value.text).toMatch(/15 minutes/);
    const path = new URL(shared.value.csvUrl).pathname;
    expect(path).toMatch(/^\/downloads\/[\w-]{32}\/homevisit-2026-11-24-to-2026-11-24\.csv$/);

    const response = await fetch(`${app.url}${path}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toContain("attachment");
    expect(await response.text()).toContain("Jamie Lee Smith");

    app.clock.advanceMinutes(16);
    const expired = await fetch(`${app.url}${path}`);
    expect(expired.status).toBe(404);
    expect(await expired.text()).toMatch(/expired/);

    const audit = await app.ctx.store.listAudit(null);
    expect(audit.map((a) => [a.actor, a.action])).toEqual([
      ["Carys Morgan", "records_exported"],
      ["Carys Morgan", "export_downloaded"],
    ]);
  });

  it("refuses anyone but the DSL and the headteacher", async () => {
    const refused = await shareExport(app.ctx, person("d.shah"), "2026-11-24", "2026-11-24");
    expect(!refused.ok && refused.error.message).toMatch(/Only the Designated Safeguarding Lead and the headteacher/);
  });
});
