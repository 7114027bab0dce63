import { describe, expect, it } from "vitest";
import { messageCard } from "../../../src/adapters/teams/adaptive-card.js";
import { cardText, markdown } from "../../../src/adapters/teams/card-text.js";
import { formCard } from "../../../src/adapters/teams/form-card.js";
import { readCardValues } from "../../../src/adapters/teams/form-values.js";
import { plainText, threadRootId } from "../../../src/adapters/teams/inbound.js";
import { requestForm } from "../../../src/app/messages/request-form.js";
import { loadDirectoryFile, loadPolicyFile } from "../../../src/config/load-school.js";
import { instantToSchoolTime, schoolTimeToInstant } from "../../../src/domain/school-wall-clock.js";

const policy = loadPolicyFile("policies/default.yaml");
const directory = loadDirectoryFile("schools/demo.yaml");
const LONDON = "Europe/London";

describe("Adaptive Card rendering", () => {
  it("turns the neutral *bold* into card markdown and leaves other stars alone", () => {
    expect(markdown("*Home visit HV-7K3QD* requested")).toBe("**Home visit HV-7K3QD** requested");
    expect(markdown("2 * 3 = 6, **already**")).toBe("2 * 3 = 6, **already**");
  });

  it("never turns what people typed into a link", () => {
    const card = messageCard({
      text: "x",
      blocks: [
        { type: "fields", fields: [{ label: "Pupil", value: "[x](https://evil.example)" }] },
        { type: "text", text: "Pupil [x](https://evil.example)" },
      ],
    });
    expect(JSON.stringify(card)).not.toContain("[x](https");
    expect(cardText(card)).toContain("[x](https://evil.example)");
  });

  it("renders tone, facts and buttons as Action.Execute with the visit id", () => {
    const card = messageCard({
      text: "t",
      title: "Title",
      tone: "danger",
      blocks: [
        { type: "fields", fields: [{ label: "Mobiles", value: "A: 1\nB: 2" }] },
        {
          type: "actions",
          actions: [
            { id: "checkin_ok", label: "I'm OK", value: "HV-AAAAA", style: "primary" },
            { id: "escalation_safe", label: "Staff are safe", value: "HV-AAAAA", style: "primary" },
          ],
        },
      ],
    });
    expect(card).toMatchObject({ type: "AdaptiveCard", version: "1.5", fallbackText: "t" });
    expect(card.body[0]).toMatchObject({ type: "Container", style: "attention" });
    const json = JSON.stringify(card);
    expect(json).toContain(`{"title":"Mobiles","value":"A: 1; B: 2"}`);
    expect(json).toContain(
      `{"type":"Action.Execute","title":"I'm OK","verb":"checkin_ok","data":{"visitId":"HV-AAAAA"},"style":"positive"}`,
    );
    // "Staff are safe" asks how they know, on the card itself, before it stands anyone down.
    const safe = JSON.parse(json).body[0].items.at(-1).actions[1];
    expect(safe).toMatchObject({ type: "Action.ShowCard", title: "Staff are safe" });
    expect(safe.card.body[0]).toMatchObject({ type: "Input.ChoiceSet", id: "how", isRequired: true });
    expect(safe.card.body[0].choices.map((c: { value: string }) => c.value)).toEqual([
      "phone",
      "in_person",
      "back_at_school",
      "other",
    ]);
    expect(safe.card.actions[0]).toMatchObject({
      type: "Action.Execute",
      verb: "escalation_safe",
      data: { visitId: "HV-AAAAA" },
    });
  });

  it("the request form has an input per field, a date and a time for each datetime, and errors under their input", () => {
    const form = requestForm(policy, directory, "e.walsh");
    const card = formCard(form, {
      timezone: LONDON,
      today: new Date("2026-11-24T10:00:00Z"),
      errors: { address: "Enter the full address, with postcode" },
      values: { address: "x", code_word: "secret" },
      neverEcho: ["code_word"],
    });
    const ids = JSON.stringify(card).match(/"id":"[a-z_]+"/g) ?? [];
    for (const field of form.fields.filter((f) => f.kind !== "datetime")) expect(ids).toContain(`"id":"${field.id}"`);
    expect(ids).toEqual(expect.arrayContaining(['"id":"planned_start_date"', '"id":"planned_start_time"']));
    const index = card.body.findIndex((e) => e.id === "address");
    expect(card.body[index]).toMatchObject({ type: "Input.Text", isMultiline: true, isRequired: true, value: "x" });
    expect(card.body[index + 1]).toMatchObject({ type: "TextBlock", id: "address_error", color: "Attention" });
    expect(JSON.stringify(card)).not.toContain("secret");
    expect(JSON.stringify(card)).toContain(`"id":"planned_start_date","label":"Planned start: date","isRequired":true`);
    expect(JSON.stringify(card)).toContain(`"value":"2026-11-24"`);
    expect(cardText(card)).toContain("Please correct the fields marked below.");
  });

  it("reads a date and a time as the school's wall clock", () => {
    const values = readCardValues(
      {
        planned_start_date: "2026-06-10",
        planned_start_time: "14:30",
        expected_return_date: "2026-06-10",
        expected_return_time: "",
        risk_animals: true,
        we_called_time: "10:05",
        visitId: "HV-1",
      },
      LONDON,
    );
    expect(values.planned_start).toBe("2026-06-10T13:30:00.000Z"); // BST
    expect(values.expected_return).toBe("not a date"); // a date without a time is not a moment
    expect(values.risk_animals).toBe("true");
    expect(values.we_called_time).toBe("10:05"); // a time field of its own, not half of a datetime
    expect(values.visitId).toBeUndefined(); // what the button carried is not an input
  });

  it("converts school times both ways across daylight saving", () => {
    expect(schoolTimeToInstant("2026-11-24", "14:30", LONDON)?.toISOString()).toBe("2026-11-24T14:30:00.000Z");
    expect(schoolTimeToInstant("2026-03-29", "03:30", LONDON)?.toISOString()).toBe("2026-03-29T02:30:00.000Z");
    expect(schoolTimeToInstant("24/11/2026", "14:30", LONDON)).toBeNull();
    expect(instantToSchoolTime(new Date("2026-07-01T08:05:00Z"), LONDON)).toEqual({ date: "2026-07-01", time: "09:05" });
  });
});

describe("reading what people type", () => {
  it("strips @mentions and HTML, keeps the words", () => {
    expect(plainText({ text: "<at>homevisit</at>&nbsp;ok" })).toBe("ok");
    expect(plainText({ text: "<p><at>homevisit</at> setup approvals</p>" })).toBe("setup approvals");
    expect(threadRootId("19:visits@thread.tacv2;messageid=1790000000001")).toBe("1790000000001");
    expect(threadRootId("19:visits@thread.tacv2")).toBeUndefined();
  });
});
