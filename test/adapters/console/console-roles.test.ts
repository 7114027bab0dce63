import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConsoleAdapter } from "../../../src/adapters/console/console-adapter.js";
import { findStaff } from "../../../src/domain/school-directory.js";
import { startTestApp, type TestApp } from "../../support/test-app.js";

/** The console names people by their staff ids: `admin grant e.walsh deputy_dsl`. */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ CONSOLE: "on" }, { adapters: [createConsoleAdapter] });
});
afterAll(async () => {
  await app?.close();
});

async function command(as: string, text: string): Promise<string> {
  const res = await fetch(`${app.url}/console/act`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ type: "command", as, text }),
  });
  expect(res.status).toBe(200);
  return String(((await res.json()) as { note?: string }).note ?? "");
}

describe("roles in the console", () => {
  it("an admin grants and revokes by staff id; the roles list shows it; others are refused", async () => {
    expect(await command("c.morgan", "homevisit admin grant e.walsh office")).toMatch(
      /^Done\. Erin Walsh now has the role office/,
    );
    expect(findStaff(app.ctx.directory, "e.walsh")?.roles).toEqual(["staff", "office"]);
    expect(await command("c.morgan", "homevisit admin roles")).toContain("Erin Walsh (e.walsh): staff, office");
    expect(await command("e.walsh", "homevisit admin revoke e.walsh office")).toMatch(/Only a homevisit admin/);
    expect(await command("c.morgan", "homevisit admin revoke e.walsh office")).toMatch(
      /^Done\. Erin Walsh no longer has the role office/,
    );
    expect(await command("c.morgan", "homevisit admin grant nobody.here office")).toMatch(/I don't know who "nobody\.here" is/);
  });
});
