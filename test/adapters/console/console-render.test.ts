import { describe, expect, it } from "vitest";
import { ConsoleClock } from "../../../src/adapters/console/console-clock.js";
import { ConsoleInbox } from "../../../src/adapters/console/console-inbox.js";
import { formValues, renderForm } from "../../../src/adapters/console/render-form.js";
import { mrkdwn, type RenderContext, renderPost } from "../../../src/adapters/console/render-message.js";
import { formatClock, fromSchoolInput, nextSchoolDayAt, toSchoolInput } from "../../../src/adapters/console/school-time.js";
import { declineForm } from "../../../src/app/messages/decision-forms.js";
import type { NeutralForm, NeutralMessage } from "../../../src/app/messages/neutral-message.js";
import { TestClock } from "../../support/test-clock.js";

const LONDON = "Europe/London";
const render = (notes: RenderContext["notes"] = []): RenderContext => ({
  timezone: LONDON,
  nameOf: (id) => ({ "e.walsh": "Erin Walsh", "f.nowak": "Filip Nowak" })[id] ?? id,
  me: "e.walsh",
  notes,
});

const card: NeutralMessage = {
  text: "Home visit HV-1 needs approval",
  tone: "warning",
  blocks: [
    { type: "text", text: "*Home visit HV-1* requested by Erin <script>alert(1)</script>" },
    { type: "fields", fields: [{ label: "Pupil", value: "Jamie & Sam" }] },
    {
      type: "actions",
      actions: [
        { id: "visit_approve", label: "Approve", value: "HV-1", style: "primary" },
        { id: "visit_decline", label: "Decline", value: "HV-1", style: "danger" },
      ],
    },
    { type: "context", text: "Only approvers can decide." },
  ],
};

describe("rendering neutral messages as HTML", () => {
  it("turns Slack mrkdwn into markup after escaping everything typed", () => {
    expect(mrkdwn("*Approved* by Ada, 10:05.\nReason: _none_")).toBe(
      "<strong>Approved</strong> by Ada, 10:05.<br>Reason: <em>none</em>",
    );
    expect(mrkdwn("Check-in due by *10:20*. Reply ok")).toBe("Check-in due by <strong>10:20</strong>. Reply ok");
    expect(mrkdwn("<img src=x onerror=alert(1)> *<b>*")).toBe("&lt;img src=x onerror=alert(1)&gt; <strong>&lt;b&gt;</strong>");
    expect(mrkdwn("safe_and_well 2*3*4")).toBe("safe_and_well 2*3*4");
  });

  it("shows a card as Slack or Teams would: bold, a field grid, styled buttons, small context, a tone bar", async () => {
    const inbox = new ConsoleInbox(new TestClock("2026-11-24T10:00:00Z"));
    const ref = await inbox.post({ kind: "channel", channel: "approvals", mentions: ["e.walsh"] }, card);
    const post = inbox.find(ref.ts ?? "");
    expect(post).toBeDefined();
    const html = renderPost(post as NonNullable<typeof post>, render());
    expect(html).toContain('class="card tone-warning"');
    expect(html).toContain("<strong>Home visit HV-1</strong> requested by Erin &lt;script&gt;");
    expect(html).not.toContain("<script>");
    expect(html).toContain("<dt>Pupil</dt><dd>Jamie &amp; Sam</dd>");
    expect(html).toContain(
      `class="btn btn-primary" data-action="visit_approve" data-value="HV-1" data-ts="${ref.ts}">Approve</button>`,
    );
    expect(html).toContain('class="btn btn-danger" data-action="visit_decline"');
    expect(html).toContain('<div class="blk-context">Only approvers can decide.</div>');
    expect(html).toContain('<span class="mention">@Erin Walsh</span>');
    expect(html).toContain("<time>10:00</time>");
  });
});

describe("the console's inbox", () => {
  it("keeps channels, threads and DMs, and updates in place", async () => {
    const clock = new TestClock("2026-11-24T10:00:00Z");
    const inbox = new ConsoleInbox(clock);
    const opener = await inbox.post({ kind: "channel", channel: "visits", mentions: [] }, card);
    const reply = await inbox.post({ kind: "channel", channel: "visits", threadRef: opener, mentions: [] }, card);
    expect(reply.thread_ts).toBe(opener.ts);
    expect(inbox.channel("visits")).toHaveLength(1);
    expect(inbox.channel("visits")[0]?.replies).toHaveLength(1);
    const dm = await inbox.post({ kind: "dm", user: "d.shah" }, card);
    expect(dm.channel).toBe("dm:d.shah");
    expect(inbox.dms("d.shah")).toHaveLength(1);

    clock.advanceMinutes(5);
    const before = inbox.version;
    await inbox.update(opener, { text: "done", blocks: [{ type: "text", text: "done" }] });
    expect(inbox.version).toBeGreaterThan(before);
    expect(inbox.channel("visits")[0]?.message.text).toBe("done");
    expect(inbox.channel("visits")[0]?.editedAt?.toISOString()).toBe("2026-11-24T10:05:00.000Z");
    expect(new Set([opener.ts, reply.ts, dm.ts]).size).toBe(3);
  });

  it("gives messages from before a restart a placeholder, so threads and updates still land", async () => {
    const inbox = new ConsoleInbox(new TestClock("2026-11-24T10:00:00Z"));
    await inbox.post(
      { kind: "channel", channel: "visits", threadRef: { channel: "visits", ts: "1.000001" }, mentions: [] },
      card,
    );
    expect(inbox.channel("visits")[0]).toMatchObject({ ts: "1.000001", placeholder: true });
    expect(inbox.channel("visits")[0]?.replies).toHaveLength(1);
    await inbox.update({ channel: "approvals", ts: "1.000002" }, card);
    expect(inbox.channel("approvals")[0]?.ts).toBe("1.000002");
  });

  it("shows a person's notes to them only", () => {
    const inbox = new ConsoleInbox(new TestClock("2026-11-24T10:00:00Z"));
    inbox.note("e.walsh", "you", "Sent for approval");
    expect(inbox.notesFor("e.walsh")).toHaveLength(1);
    expect(inbox.notesFor("a.okafor")).toHaveLength(0);
  });
});

describe("forms", () => {
  const form: NeutralForm = {
    id: "f",
    title: "T",
    submitLabel: "Go",
    fields: [
      { id: "when", label: "When", kind: "datetime", required: true },
      { id: "who", label: "Who", kind: "staff", options: [{ value: "f.nowak", label: "Filip Nowak" }] },
      { id: "pets", label: "Pets", kind: "checkbox" },
      { id: "note", label: "Note", kind: "textarea", hint: "Be brief." },
    ],
  };

  it("renders real inputs with values kept and each error under its field", () => {
    const html = renderForm(form, {
      values: { when: "2026-11-24T10:30", who: "f.nowak", pets: "true", note: "<b>hi</b>" },
      errors: { when: "The planned start is in the past" },
      actingAs: "Erin Walsh",
    });
    expect(html).toContain('<input type="datetime-local" id="f-when" name="when" required aria-invalid="true"');
    expect(html).toContain('value="2026-11-24T10:30"');
    expect(html).toMatch(
      /id="f-when"[^>]*>\s*<div class="field-error" id="f-when-error">The planned start is in the past<\/div>/,
    );
    expect(html).toContain('<option value="f.nowak" selected>Filip Nowak</option>');
    expect(html).toContain('value="true" checked');
    expect(html).toContain("&lt;b&gt;hi&lt;/b&gt;</textarea>");
    expect(html).toContain('<div class="hint">Be brief.</div>');
    expect(html).toContain('Who <span class="optional">(optional)</span>');
    expect(html).toContain("as Erin Walsh");
    expect(renderForm(declineForm("HV-1"), { actingAs: "Ada" })).toContain('data-metadata="HV-1"');
  });

  it("reads datetimes as the school's wall-clock time, across summer time", () => {
    expect(formValues({ when: "2026-11-24T10:30" }, LONDON).when).toBe("2026-11-24T10:30:00.000Z");
    expect(formValues({ when: "2026-06-10T10:30" }, LONDON).when).toBe("2026-06-10T09:30:00.000Z");
    expect(formValues({ when: "soon" }, LONDON).when).toBe("soon");
    expect(fromSchoolInput("2026-03-29T12:00", LONDON)?.toISOString()).toBe("2026-03-29T11:00:00.000Z");
    expect(toSchoolInput(new Date("2026-06-10T09:30:00Z"), LONDON)).toBe("2026-06-10T10:30");
    expect(formatClock(new Date("2026-11-24T10:00:05Z"), LONDON)).toBe("Tue 24 Nov, 10:00:05");
  });

  it("finds the next school day's morning (from Sunday evening to Monday 10:00)", () => {
    const sunday = new Date("2026-11-22T19:00:00Z");
    expect(nextSchoolDayAt(sunday, LONDON, [1, 2, 3, 4, 5], "10:00").toISOString()).toBe("2026-11-23T10:00:00.000Z");
    const mondayEarly = new Date("2026-11-23T07:00:00Z");
    expect(nextSchoolDayAt(mondayEarly, LONDON, [1, 2, 3, 4, 5], "10:00").toISOString()).toBe("2026-11-23T10:00:00.000Z");
  });
});

describe("the console clock", () => {
  it("runs at the chosen speed and only forward", () => {
    let real = 0;
    const clock = new ConsoleClock(true, () => real);
    real = 1000;
    expect(clock.now().getTime()).toBe(1000);
    clock.setSpeed(10);
    real = 2000;
    expect(clock.now().getTime()).toBe(11_000);
    clock.setSpeed(1);
    real = 3000;
    expect(clock.now().getTime()).toBe(12_000);
    expect(() => clock.setSpeed(5)).toThrow(/Speed must be one of 1, 10, 60/);
    expect(() => clock.skipTo(new Date(0))).toThrow(/only moves forward/);
    clock.skipTo(new Date(100_000));
    expect(clock.now().getTime()).toBe(100_000);
  });
});
