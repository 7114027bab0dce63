import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CHANNELS, PEOPLE, type SlackHarness, startSlackHarness, validRequestValues } from "./support/slack-harness.js";

/**
 * A member of staff at the school gate, on a phone: the request form starts with their own mobile
 * and car (kept with /homevisit me, or from their last visit), and asks for the length or the
 * return time, not both.
 */
let h: SlackHarness;
beforeAll(async () => {
  h = await startSlackHarness();
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => h.stub.reset());

/** What each input of a modal starts with, by block id. */
function initialValues(view: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const block of (view.blocks ?? []) as { block_id?: string; element?: Record<string, unknown> }[]) {
    const element = block.element ?? {};
    const value =
      element.initial_value ??
      (element.initial_option as { value?: string } | undefined)?.value ??
      ((element.initial_options as { value?: string }[] | undefined)?.[0]?.value ? "true" : undefined);
    if (block.block_id && typeof value === "string") out[block.block_id] = value;
  }
  return out;
}

async function openMe(user: string = PEOPLE.requester): Promise<Record<string, unknown>> {
  const triggerId = `trigger-me-${Math.random()}`;
  expect((await h.slack.command(user, "me", { triggerId })).status).toBe(200);
  return (await h.stub.waitFor((c) => c.method === "views.open" && c.params.trigger_id === triggerId)).params.view as Record<
    string,
    unknown
  >;
}

describe("my details", () => {
  it("/homevisit me keeps a mobile and a car, and the next request form starts with them", async () => {
    const me = await openMe();
    expect(initialValues(me).mobile).toBe("07700 900105"); // from the school directory, to begin with
    const saved = await h.slack.submitView(PEOPLE.requester, me, {
      mobile: "07700 900222",
      vehicle_make: "Kia",
      vehicle_model: "Picanto",
      vehicle_colour: "Red",
      vehicle_registration: "ab12 xyz",
    });
    expect(saved.status).toBe(200);
    expect(saved.text).toBe("");
    await h.settle();
    expect(initialValues(await h.openRequestForm())).toMatchObject({
      lead_mobile: "07700900222",
      vehicle_make: "Kia",
      vehicle_model: "Picanto",
      vehicle_colour: "Red",
      vehicle_registration: "AB12 XYZ",
    });
    // Someone else's form is their own.
    expect(initialValues(await h.openRequestForm(PEOPLE.second)).vehicle_make).toBeUndefined();
  });

  it("a bad mobile, or a car with no registration, is refused under the field and nothing is changed", async () => {
    const me = await openMe(PEOPLE.deputy);
    const reply = await h.slack.submitView(PEOPLE.deputy, me, { mobile: "12345", vehicle_make: "Ford" });
    const body = reply.json() as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe("errors");
    expect(body.errors.mobile).toMatch(/^Enter a mobile number like 07700 900123/);
    expect(body.errors.vehicle_registration).toMatch(/^Enter the registration/);
    expect(await h.app.ctx.store.getStaffDetails("b.hughes")).toBeNull();
  });

  it("the car of the last visit requested is what the next form starts with", async () => {
    await h.requestVisit(
      validRequestValues({
        vehicle_make: "Toyota",
        vehicle_model: "Yaris",
        vehicle_colour: "Grey",
        vehicle_registration: "CD34 EFG",
      }),
    );
    expect(initialValues(await h.openRequestForm())).toMatchObject({ vehicle_make: "Toyota", vehicle_registration: "CD34 EFG" });
  });
});

describe("the length or the return time", () => {
  it("with only the length, the visit is expected back at the start plus the length", async () => {
    const visit = await h.requestVisit(
      validRequestValues({ planned_start: "2026-11-25T13:00:00.000Z", duration: 50, expected_return: undefined }),
    );
    expect(visit.request.expectedReturn.toISOString()).toBe("2026-11-25T13:50:00.000Z");
    expect(h.approvalCard(visit.id).content).toMatch(/back by Wed 25 Nov, 13:50/);
  });

  it("with only the return time, the length follows from it", async () => {
    const visit = await h.requestVisit(
      validRequestValues({
        planned_start: "2026-11-25T14:00:00.000Z",
        duration: undefined,
        expected_return: "2026-11-25T15:15:00.000Z",
      }),
    );
    expect(visit.request.durationMinutes).toBe(75);
  });

  it("with neither, says so under the return time", async () => {
    const view = await h.openRequestForm();
    const reply = await h.slack.submitView(
      PEOPLE.requester,
      view,
      validRequestValues({ duration: undefined, expected_return: undefined }),
    );
    const body = reply.json() as { errors: Record<string, string> };
    expect(body.errors.expected_return).toMatch(/give how long the visit takes, or when you will be back/i);
    expect(h.stub.callsTo("chat.postMessage").filter((c) => c.params.channel === CHANNELS.approvals)).toEqual([]);
  });
});
