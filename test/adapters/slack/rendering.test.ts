import { describe, expect, it } from "vitest";
import { renderMessage } from "../../../src/adapters/slack/block-kit.js";
import { errorsForView, readViewValues, renderForm } from "../../../src/adapters/slack/modal-view.js";
import type { NeutralForm, NeutralMessage } from "../../../src/app/messages/neutral-message.js";

type AnyBlock = Record<string, unknown> & { type: string };

describe("NeutralMessage as Block Kit", () => {
  it("renders text, fields, buttons and context, with the tone's emoji and the mentions first", () => {
    const message: NeutralMessage = {
      text: "Check-in due",
      tone: "warning",
      blocks: [
        { type: "text", text: "Check-in due by *10:20*." },
        { type: "fields", fields: [{ label: "Staff", value: "Erin Walsh" }] },
        { type: "actions", actions: [{ id: "checkin_ok", label: "I'm OK", value: "HV-ABCDE", style: "primary" }] },
        { type: "context", text: "Reply ok" },
      ],
    };
    const { text, blocks } = renderMessage(message, ["U1", "U2"]);
    expect(text).toBe("⚠️ <@U1> <@U2> Check-in due");
    expect(blocks).toEqual([
      { type: "section", text: { type: "mrkdwn", text: "⚠️ <@U1> <@U2> Check-in due by *10:20*." } },
      { type: "section", fields: [{ type: "mrkdwn", text: "*Staff*\nErin Walsh" }] },
      {
        type: "actions",
        elements: [
          {
            type: "button",
            action_id: "checkin_ok",
            value: "HV-ABCDE",
            style: "primary",
            text: { type: "plain_text", text: "I'm OK", emoji: true },
          },
        ],
      },
      { type: "context", elements: [{ type: "mrkdwn", text: "Reply ok" }] },
    ]);
  });

  it("puts at most ten fields in a section and 3000 characters in a block", () => {
    const fields = Array.from({ length: 23 }, (_, i) => ({ label: `F${i}`, value: "x".repeat(2500) }));
    const long = Array.from({ length: 400 }, (_, i) => `line ${i} of a very long note`).join("\n");
    const { blocks } = renderMessage({
      text: long,
      blocks: [
        { type: "text", text: long },
        { type: "fields", fields },
      ],
    });
    const sections = blocks as AnyBlock[];
    const texts = sections.filter((b) => b.text).map((b) => (b.text as { text: string }).text);
    expect(texts.length).toBeGreaterThan(3);
    expect(texts.every((t) => t.length <= 3000)).toBe(true);
    expect(texts.join("\n")).toBe(long);
    const fieldSections = sections.filter((b) => b.fields).map((b) => (b.fields as { text: string }[]).length);
    expect(fieldSections).toEqual([10, 10, 3]);
    for (const b of sections.filter((b) => b.fields))
      for (const f of b.fields as { text: string }[]) expect(f.text.length).toBeLessThanOrEqual(2000);
  });

  it("escapes what people typed, so it can never mention or link", () => {
    const { text, blocks } = renderMessage({
      text: "Pupil <!channel> & <https://evil.example|click>",
      blocks: [{ type: "fields", fields: [{ label: "Pupil", value: "<@U0DSL0001> <!here>" }] }],
    });
    expect(text).toBe("Pupil &lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;");
    expect(JSON.stringify(blocks)).not.toMatch(/<[@!]/);
  });
});

describe("NeutralForm as a modal", () => {
  const form: NeutralForm = {
    id: "visit_submit",
    title: "A title that is far too long for Slack",
    submitLabel: "Send",
    intro: "Fill this in",
    metadata: "HV-ABCDE",
    fields: [
      { id: "name", label: "Name", kind: "text", required: true, maxLength: 100, hint: "Full name" },
      { id: "notes", label: "Notes", kind: "textarea" },
      { id: "when", label: "When", kind: "datetime", required: true, initial: "2026-11-24T10:30:00.000Z" },
      { id: "minutes", label: "Minutes", kind: "number", initial: "45" },
      { id: "pets", label: "Pets", kind: "checkbox" },
      { id: "purpose", label: "Purpose", kind: "select", options: [{ value: "a", label: "A" }], initial: "a" },
      {
        id: "staff",
        label: "Staff",
        kind: "staff",
        options: Array.from({ length: 150 }, (_, i) => ({ value: `s${i}`, label: `Person ${i}` })),
      },
    ],
  };

  it("gives each field an input block whose block_id and action_id are the field id", () => {
    const view = renderForm(form);
    expect(view).toMatchObject({
      type: "modal",
      callback_id: "visit_submit",
      private_metadata: "HV-ABCDE",
      submit: { text: "Send" },
      close: { text: "Cancel" },
    });
    expect(view.title.text.length).toBeLessThanOrEqual(24);
    const inputs = (view.blocks as AnyBlock[]).filter((b) => b.type === "input");
    expect(inputs.map((b) => [b.block_id, (b.element as { action_id: string }).action_id, b.optional])).toEqual([
      ["name", "name", false],
      ["notes", "notes", true],
      ["when", "when", false],
      ["minutes", "minutes", true],
      ["pets", "pets", true],
      ["purpose", "purpose", true],
      ["staff", "staff", true],
    ]);
    const el = (id: string) => inputs.find((b) => b.block_id === id)?.element as Record<string, unknown>;
    expect(el("name")).toMatchObject({ type: "plain_text_input", max_length: 100 });
    expect(inputs[0]?.hint).toMatchObject({ text: "Full name" });
    expect(el("notes")).toMatchObject({ type: "plain_text_input", multiline: true });
    expect(el("when")).toMatchObject({ type: "datetimepicker", initial_date_time: 1795516200 });
    expect(el("minutes")).toMatchObject({ type: "number_input", is_decimal_allowed: false, initial_value: "45" });
    expect(el("pets")).toMatchObject({ type: "checkboxes", options: [{ value: "true" }] });
    expect(el("purpose")).toMatchObject({ type: "static_select", initial_option: { value: "a" } });
    // 150 staff do not fit one select (100 max): they go into groups.
    const groups = el("staff").option_groups as { options: unknown[] }[];
    expect(groups.map((g) => g.options.length)).toEqual([100, 50]);
  });

  it("reads submitted values back as strings: ISO datetimes, 'true' for a ticked box, nothing for blanks", () => {
    const values = readViewValues({
      name: { name: { type: "plain_text_input", value: " Jo " } },
      notes: { notes: { type: "plain_text_input", value: null } },
      when: { when: { type: "datetimepicker", selected_date_time: 1795516200 } },
      minutes: { minutes: { type: "number_input", value: "45" } },
      pets: { pets: { type: "checkboxes", selected_options: [{ value: "true", text: { type: "plain_text", text: "Yes" } }] } },
      purpose: { purpose: { type: "static_select", selected_option: { value: "a", text: {} } } },
      staff: { staff: { type: "static_select", selected_option: null } },
    });
    expect(values).toEqual({ name: " Jo ", when: "2026-11-24T10:30:00.000Z", minutes: "45", pets: "true", purpose: "a" });
    expect(() => readViewValues({ name: "not an object" })).toThrow();
  });

  it("keeps error keys to blocks that exist", () => {
    expect(errorsForView({ name: "Required", ghost: "Something else" }, ["name", "notes"])).toEqual({
      name: "Required Something else",
    });
  });
});
