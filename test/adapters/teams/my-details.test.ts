import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eachCardElement } from "../../../src/adapters/teams/card-text.js";
import { PEOPLE } from "./support/activities.js";
import { errorsOnCard, startTeamsHarness, type TeamsHarness } from "./support/teams-harness.js";

/** The same in Teams: `homevisit me` in the 1:1 chat, and a request card that starts filled in. */
let h: TeamsHarness;
beforeAll(async () => {
  h = await startTeamsHarness();
});
afterAll(async () => {
  await h?.close();
});

/** What each input of a card starts with, by id. */
function cardValues(card: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  eachCardElement(
    card,
    (element) => {
      if (typeof element.type === "string" && element.type.startsWith("Input.") && typeof element.id === "string")
        if (typeof element.value === "string") out[element.id] = element.value;
    },
    ["body", "items", "columns", "card"],
  );
  return out;
}

describe("my details in Teams", () => {
  it("homevisit me saves a mobile and car; a wrong mobile is refused on the card; the request card starts with them", async () => {
    const me = await h.openForm(PEOPLE.requester, "homevisit me");
    expect(cardValues(me.call.card).mobile).toBe("07700 900105");

    const wrong = await h.invoke(PEOPLE.requester, me.conversation, me.messageId, "my_details_submit", { mobile: "0770" });
    expect(wrong.status).toBe(200);
    expect(errorsOnCard(wrong.body?.value).mobile).toMatch(/^Enter a mobile number/);
    expect(await h.app.ctx.store.getStaffDetails("e.walsh")).toBeNull();

    const saved = await h.invoke(PEOPLE.requester, me.conversation, me.messageId, "my_details_submit", {
      mobile: "07700 900333",
      no_vehicle: "true",
    });
    expect(saved.status).toBe(200);
    expect(JSON.stringify(saved.body)).toMatch(/Saved\. Your request forms now start with 07700900333, and no car/);

    const form = await h.openForm(PEOPLE.requester);
    const values = cardValues(form.call.card);
    expect(values.lead_mobile).toBe("07700900333");
    expect(values.vehicle_make).toBeUndefined();
  });
});
