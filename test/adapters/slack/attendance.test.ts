import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PupilRegister, schoolDays, simsCsv } from "../../support/register-csv.js";
import { type SlackHarness, startSlackHarness, validRequestValues } from "./support/slack-harness.js";

/**
 * The register from chat, in Slack, under the Lincolnshire policy: a file shared with "homevisit
 * attendance" (files.info, then url_private with the bot token), the cards the triggers send, and
 * their buttons, all through signed requests to /slack/events.
 */
const DSL = "U0DSL0001";
const OFFICE = "U0OFFI004";
const CHAMPION = "U0STAF006";
const days = schoolDays("2026-10-28", 20); // ends Tuesday 24 November 2026, the test clock's day
const pupils: PupilRegister[] = [
  {
    upn: "A100",
    name: "Jamie Lee Smith",
    address: "14 Acacia Avenue, Lincoln LN1 4AB",
    marks: Object.fromEntries(days.slice(-3).map((d) => [d, "N"])),
  },
  {
    upn: "A200",
    name: "Priya Shah",
    address: "2 Mill Lane, Lincoln LN2 1AA",
    marks: Object.fromEntries(days.slice(-6).map((d) => [d, "I"])),
  },
  { upn: "A300", name: "Tom Brown", address: "9 High Street, Lincoln LN3 2BB" },
];

let h: SlackHarness;
beforeAll(async () => {
  h = await startSlackHarness({ env: { POLICY_FILE: "policies/lincolnshire.yaml" } });
});
afterAll(async () => {
  await h?.close();
});

let ts = 1795000100;
async function shareFile(user: string, fileId: string, options: { retryNum?: number; ts?: string } = {}) {
  const channel = `D${user.slice(1)}`;
  const at = options.ts ?? `${++ts}.000100`;
  const reply = await h.slack.event(
    {
      type: "message",
      subtype: "file_share",
      channel,
      channel_type: "im",
      user,
      text: "homevisit attendance",
      ts: at,
      event_ts: at,
      files: [{ id: fileId, name: "register.csv", filetype: "csv" }],
    },
    options.retryNum ? { retryNum: options.retryNum } : {},
  );
  expect(reply.status).toBe(200);
  await h.settle();
  const answers = h.stub.callsTo("chat.postMessage").filter((c) => c.params.channel === channel);
  return { answer: String(answers.at(-1)?.params.text ?? ""), ts: at };
}
const dmsTo = (user: string) =>
  h.stub
    .callsTo("chat.postMessage")
    .filter((c) => c.params.channel === user)
    .map((c) => c.content);

describe("homevisit attendance in Slack", () => {
  it("someone the policy does not name is refused, and the file is never downloaded", async () => {
    h.stub.addFile("F0REG0", "register.csv", simsCsv(pupils, days));
    const { answer } = await shareFile(OFFICE, "F0REG0");
    expect(answer).toMatch(/only dsl, deputy dsl, attendance champion, headteacher can import/);
    expect(h.stub.downloads).toEqual([]);
  });

  it("a bad row is named by its line, and nothing is imported", async () => {
    const bad = simsCsv(pupils, days).split("\n");
    bad[3] = bad[3]?.replace(",/,", ",Q9,") ?? "";
    h.stub.addFile("F0BAD1", "register.csv", bad.join("\n"));
    const { answer } = await shareFile(DSL, "F0BAD1");
    expect(answer).toMatch(/not imported \(nothing was saved\)/);
    expect(answer).toMatch(/line 4: unknown mark code "Q9"/);
    expect(await h.app.ctx.store.attendance.latestDay()).toBeNull();
  });

  it("the DSL shares the export: it is imported with the bot token, and the triggers tell the office and the leads privately", async () => {
    h.stub.addFile("F0REG1", "register.csv", simsCsv(pupils, days));
    const { answer, ts: sent } = await shareFile(DSL, "F0REG1");
    expect(answer).toMatch(
      /Imported register.csv: 3 pupils, 60 register days \(2026-10-28 to 2026-11-24\)\. 3 attendance trigger/,
    );
    expect(h.stub.downloads.at(-1)).toBe("Bearer xoxb-test");
    // Day 3 of no contact: the office is told to try phone, text and email; the leads get the visit suggestion.
    expect(dmsTo(OFFICE).join("\n")).toMatch(/Jamie Lee Smith.*no contact from home.*phone, text and email/);
    const lead = dmsTo(DSL).join("\n");
    expect(lead).toMatch(/Safe-and-well visit suggested/);
    expect(lead).toMatch(/A home visit must take place.*Priya Shah.*6 school days/);
    expect(dmsTo(CHAMPION).join("\n")).toMatch(/Priya Shah/);
    // Never in a channel.
    const channels = h.stub.calls.filter((c) => typeof c.params.channel === "string" && String(c.params.channel).startsWith("C"));
    expect(channels.map((c) => c.content).join("\n")).not.toMatch(/Jamie|Priya|Acacia/);

    // Slack retries the same event: nothing is imported twice, and no trigger fires again.
    const again = await shareFile(DSL, "F0REG1", { ts: sent, retryNum: 1 });
    expect(again.answer).toMatch(/already imported from this message/);
    expect(await h.app.ctx.store.attendance.listTriggers({})).toHaveLength(3);
  });

  it("'Request the visit' opens the request form filled in; a day-6 visit says it must take place, on the form and the approval card", async () => {
    const mustSee = (await h.app.ctx.store.attendance.listTriggers({ kind: "must_see" }))[0];
    expect(mustSee).toBeTruthy();
    const trigger = `trigger-${Math.random()}`;
    await h.slack.click(DSL, "attendance_request_visit", mustSee?.id ?? "", { channel: "D0DSL0001", triggerId: trigger });
    const opened = await h.stub.waitFor((c) => c.method === "views.open" && c.params.trigger_id === trigger);
    const view = opened.params.view as Record<string, unknown>;
    expect(opened.content).toMatch(/This visit must take place/);
    expect(opened.content).toContain("Priya Shah");
    expect(opened.content).toContain("2 Mill Lane, Lincoln LN2 1AA");
    const values = validRequestValues({ purpose: "safe_and_well", parents_told: "no" });
    for (const key of ["pupil_name", "address"]) delete values[key];
    const submitted = await h.slack.submitView(DSL, view, values);
    expect(submitted.status).toBe(200);
    await h.settle();
    const card = h.stub
      .callsTo("chat.postMessage")
      .filter((c) => c.params.channel === "C0APPROVAL")
      .at(-1);
    expect(card?.content).toMatch(/\*This visit must take place: the child has not been seen for 6 school days\.\*/);
    expect(card?.content).toContain("Priya Shah");
    expect((await h.app.ctx.store.attendance.getTrigger(mustSee?.id ?? ""))?.visitId).toMatch(/^HV-/);
  });

  it("Dismiss asks why, stops the reminder, and a second dismissal is told who did it", async () => {
    const safe = (await h.app.ctx.store.attendance.listTriggers({ kind: "safe_and_well" }))[0];
    const trigger = `trigger-${Math.random()}`;
    await h.slack.click(DSL, "attendance_dismiss", safe?.id ?? "", { channel: "D0DSL0001", triggerId: trigger });
    const opened = await h.stub.waitFor((c) => c.method === "views.open" && c.params.trigger_id === trigger);
    const view = opened.params.view as Record<string, unknown>;
    const empty = await h.slack.submitView(DSL, view, { reason: "" });
    expect(empty.json()).toMatchObject({ response_action: "errors" });
    const ok = await h.slack.submitView(DSL, { ...view, id: "V0DISMISS1" }, { reason: "Mother phoned: chickenpox" });
    expect(ok.status).toBe(200);
    const stored = await h.app.ctx.store.attendance.getTrigger(safe?.id ?? "");
    expect(stored).toMatchObject({ state: "dismissed", dismissedBy: "Ada Okafor", dismissReason: "Mother phoned: chickenpox" });
    const twice = await h.slack.submitView(DSL, { ...view, id: "V0DISMISS2" }, { reason: "again" });
    expect(twice.text).toMatch(/Already dismissed by Ada Okafor/);
    const audit = await h.app.ctx.store.listAudit(null);
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(["attendance_imported", "attendance_trigger_fired", "attendance_trigger_dismissed"]),
    );
  });
});
