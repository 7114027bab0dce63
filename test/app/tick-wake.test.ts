import { afterEach, describe, expect, it } from "vitest";
import { closeAndDrop, time, visitUnderWay } from "../safety/app-helpers.js";
import { FakeChat, fakeChatAdapter } from "../support/fake-chat.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const TICK_SECONDS = 10;

let app: TestApp | undefined;
let follow: NodeJS.Timeout | undefined;
afterEach(async () => {
  clearInterval(follow);
  await app?.stop();
  if (app) await closeAndDrop(app.db);
});

describe("the safety tick between cron firings", () => {
  it("sends a check-in prompt when it falls due, not at the next firing of a 10 s cron", async () => {
    const chat = new FakeChat("console");
    app = await startTestApp({ TICK_SECONDS: String(TICK_SECONDS) }, { adapters: [fakeChatAdapter(chat)], tick: true });
    const running = app;
    const id = await visitUnderWay(running, { leaveAt: time("10:00") });
    const prompts = () => chat.sent.filter((m) => m.visibleText.includes("Check-in due by 10:20"));
    expect(prompts()).toEqual([]);

    // From here school time runs with the real clock, so that the 10:18 prompt falls due 3 s after
    // the cron's next firing: the cron alone would send it 7 s late.
    const dueAt = time("10:18").getTime();
    const firing = Math.ceil((Date.now() + 1000) / (TICK_SECONDS * 1000)) * TICK_SECONDS * 1000;
    const offset = dueAt - (firing + 3000);
    const schoolNow = () => Date.now() + offset;
    running.clock.set(new Date(schoolNow()));
    follow = setInterval(() => running.clock.set(new Date(schoolNow())), 10);

    while (prompts().length === 0 && schoolNow() < dueAt + 2 * TICK_SECONDS * 1000)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const lateMs = schoolNow() - dueAt;
    expect(prompts().map((m) => m.visibleText)).toEqual([expect.stringContaining("Check-in due by 10:20")]);
    expect(lateMs, `visit ${id}: prompt ${lateMs} ms after it fell due`).toBeLessThan(1500);
  }, 40_000);
});
