import { existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Browser, chromium } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { createConsoleAdapter } from "../../../src/adapters/console/console-adapter.js";
import { startTestApp, type TestApp } from "../../support/test-app.js";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
const ARTIFACTS = fileURLToPath(new URL("../../artifacts/", import.meta.url));
const WAIT = { timeout: 15_000 };

if (!hasChromium)
  console.warn(
    `console browser test SKIPPED: ${CHROMIUM} is missing (install Debian's: apt-get install -y chromium; .ci/run does this).`,
  );

/**
 * One whole visit through the page, as a person would do it: request, approve, set off, miss a
 * check-in and watch the ladder reach the office, check in, come back, write the record.
 * The test moves the app's clock and runs the tick itself rather than waiting on a fast clock.
 */
describe("the local console in a browser", () => {
  let app: TestApp | undefined;
  let browser: Browser | undefined;
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it.skipIf(!hasChromium)(
    "runs one full visit from request to record, including a missed check-in escalation",
    async () => {
      mkdirSync(ARTIFACTS, { recursive: true });
      app = await startTestApp({ CONSOLE: "on" }, { adapters: [createConsoleAdapter] });
      const running = app;
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
        ],
      });
      const page = await browser.newPage({ viewport: { width: 1800, height: 1100 } });
      const pageErrors: string[] = [];
      page.on("pageerror", (error) => pageErrors.push(error.message));
      page.on("console", (message) => {
        if (message.type() === "error") pageErrors.push(message.text());
      });
      const shot = (name: string) => page.screenshot({ path: `${ARTIFACTS}${name}.png` });
      const pane = (name: string) => page.locator(`#pane-${name}`);
      const actAs = async (staffId: string) => {
        await page.click(`[data-as="${staffId}"]`);
        await page.locator(`[data-as="${staffId}"].current`).waitFor(WAIT);
        await page.locator(`body[data-as="${staffId}"]`).waitFor({ state: "attached", ...WAIT });
      };
      const replyToVisit = async (text: string) => {
        await pane("visits").locator(".reply-box input").fill(text);
        await pane("visits").locator(".reply-box input").press("Enter");
        await pane("visits")
          .locator(".from-person .human-text", { hasText: new RegExp(`^${text}$`) })
          .last()
          .waitFor(WAIT);
      };

      await page.goto(`${running.url}/?as=e.walsh`);
      await page.locator('[data-as="e.walsh"].current').waitFor(WAIT);
      await page.getByText("Tue 24 Nov, 10:00:00").waitFor(WAIT);
      expect(await page.locator(".demo-tag").textContent()).toContain("fictional staff and pupils");
      // The stylesheet is the server's own file, which the page's CSP allows (a refusal is a console error).
      expect(await page.evaluate("getComputedStyle(document.querySelector('.top')).backgroundColor")).toBe("rgb(63, 14, 64)");

      // Erin Walsh asks to make the visit, with Filip Nowak; one field left out is shown under it.
      await page.click("text=New visit request");
      const form = page.locator("#dialog form");
      await form.getByText("Request a home visit").waitFor(WAIT);
      await page.fill("#f-pupil_name", "Jamie Lee Smith");
      await page.fill("#f-address", "12 Example Road, Testtown TT1 1AA");
      await page.selectOption("#f-purpose", "attendance");
      await page.fill("#f-planned_start", "2026-11-24T10:30");
      await page.fill("#f-duration", "45");
      await page.fill("#f-expected_return", "2026-11-24T11:30");
      await page.selectOption("#f-second_staff", "f.nowak");
      await page.fill("#f-vehicle_make", "Ford");
      await page.fill("#f-vehicle_model", "Fiesta");
      await page.fill("#f-vehicle_colour", "Blue");
      await page.selectOption("#f-parents_told", "yes");
      await page.fill("#f-code_word", "bluebird");
      await form.locator("[type=submit]").click();
      await form.locator('[data-field="vehicle_registration"] .field-error').waitFor(WAIT);
      expect(await page.inputValue("#f-pupil_name")).toBe("Jamie Lee Smith");
      await shot("01-request-form-error");
      await page.fill("#f-vehicle_registration", "AB12 CDE");
      await form.locator("[type=submit]").click();
      await page.locator("#modal").waitFor({ state: "hidden", ...WAIT });
      await pane("you").getByText("Sent for approval").waitFor(WAIT);
      await pane("approvals").getByText("Jamie Lee Smith").waitFor(WAIT);
      const visitId = /HV-\w+/.exec((await pane("you").locator(".ephemeral").last().textContent()) ?? "")?.[0] ?? "";
      expect(visitId).toMatch(/^HV-/);
      await shot("02-requested");

      // Ada Okafor (DSL) approves on the card; the card changes in place and the visit's thread opens.
      await actAs("a.okafor");
      await pane("approvals").locator('button[data-action="visit_approve"]').click();
      await pane("approvals").getByText("Approved by Ada Okafor").waitFor(WAIT);
      await pane("visits").locator(".thread").getByText(`${visitId} (J.L.S.)`).waitFor(WAIT);
      expect(await pane("visits").textContent()).not.toContain("Jamie Lee Smith");
      await shot("03-approved-thread-open");

      // Erin sets off.
      await actAs("e.walsh");
      await pane("you").getByText(`Your home visit ${visitId} (J.L.S.) was approved`).waitFor(WAIT);
      await replyToVisit("leaving");
      await pane("visits").getByText("On your way. Check in by 10:20").waitFor(WAIT);

      // Nobody checks in: past the 20-minute interval and 5 minutes' grace, the ladder starts.
      running.clock.advanceMinutes(26);
      await running.tick();
      await pane("visits").getByText("Check-in due by 10:20").waitFor(WAIT);
      await pane("you").getByText("You missed a check-in").waitFor(WAIT);
      await page.getByText("Tue 24 Nov, 10:26:00").waitFor(WAIT);
      await shot("04-missed-check-in-reprompt");

      // Five minutes later the office is asked to phone them.
      running.clock.advanceMinutes(5);
      await running.tick();
      await actAs("d.shah");
      await pane("you").getByText("Call both visiting staff on their mobiles now").waitFor(WAIT);
      expect(await pane("you").textContent()).toMatch(/Erin Walsh: 07700 ?900105/);
      expect(await pane("you").locator('button[data-action="escalation_safe"]').count()).toBe(1);
      await shot("05-office-alert");

      // Filip checks in: the ladder stands down wherever it reached.
      await actAs("f.nowak");
      await replyToVisit("ok");
      await pane("visits").getByText("Thanks, checked in at 10:31").waitFor(WAIT);
      await actAs("d.shah");
      await pane("you").getByText(`Stand down: Filip Nowak checked in on home visit ${visitId}`).waitFor(WAIT);
      await shot("06-stand-down");

      // Back at school, Erin completes the Home Visit Form from the button in her messages.
      running.clock.advanceMinutes(9);
      await actAs("e.walsh");
      await replyToVisit("back");
      await pane("you").getByText("Please complete the Home Visit Form").waitFor(WAIT);
      await pane("you").locator('button[data-action="record_open"]').click();
      await form.getByText("Home Visit Form").first().waitFor(WAIT);
      await page.fill("#f-present", "Mother (parental responsibility) and Jamie.");
      await page.selectOption("#f-child_seen", "yes");
      await page.selectOption("#f-safe_and_well", "yes");
      await page.fill("#f-discussed", "Attendance since September; agreed a morning routine.");
      await shot("07-record-form");
      await form.locator("[type=submit]").click();
      await page.locator("#modal").waitFor({ state: "hidden", ...WAIT });
      await pane("records").getByText(`Home Visit Form ${visitId}`).first().waitFor(WAIT);
      await pane("records").getByText("Mother (parental responsibility) and Jamie.").waitFor(WAIT);
      await shot("08-record-in-records-channel");

      const visit = await running.ctx.store.getVisit(visitId);
      expect(visit?.status).toBe("closed");
      expect(await running.ctx.store.listRecords(visitId)).toHaveLength(1);
      const audit = (await running.ctx.store.listAudit(visitId)).map((entry) => entry.action);
      expect(audit).toEqual(expect.arrayContaining(["requested", "approved", "escalation_step", "record_submitted"]));
      expect(await page.locator("#offline").isHidden()).toBe(true);
      expect(pageErrors).toEqual([]);
    },
    120_000,
  );
});
