import { describe, expect, it } from "vitest";
import { transition, type VisitEvent, type VisitStatus, visitEvents, visitStatuses } from "../../src/domain/visit-lifecycle.js";

describe("the visit lifecycle", () => {
  const allowed: [VisitStatus, VisitEvent, VisitStatus][] = [
    ["requested", "approve", "approved"],
    ["requested", "decline", "declined"],
    ["requested", "request_changes", "changes_requested"],
    ["changes_requested", "resubmit", "requested"],
    ["approved", "leave_school", "under_way"],
    ["under_way", "arrive", "at_address"],
    ["at_address", "enter_home", "in_home"],
    ["in_home", "leave_address", "left_address"],
    ["left_address", "return", "returned"],
    ["returned", "complete_record", "closed"],
    ["at_address", "cancel", "cancelled"],
    ["approved", "cancel", "cancelled"],
    ["in_home", "cancel", "cancelled"],
    ["left_address", "cancel", "cancelled"],
    ["cancelled", "return", "cancelled"],
    ["cancelled", "complete_record", "closed"],
  ];

  it.each(allowed)("a %s visit can %s and becomes %s", (from, event, to) => {
    expect(transition(from, event)).toEqual({ ok: true, value: to });
  });

  const refused: [VisitStatus, VisitEvent][] = [
    ["requested", "leave_school"],
    ["declined", "approve"],
    ["approved", "approve"],
    ["returned", "cancel"],
    ["closed", "leave_school"],
    ["declined", "cancel"],
  ];

  it.each(refused)("a %s visit cannot %s, and says so with a stable code", (from, event) => {
    const result = transition(from, event);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe("invalid-transition");
      expect(result.error.message).toMatch(/^A visit that is .+ cannot .+\.$/);
    }
  });

  it("never throws, whatever the pair of status and event", () => {
    for (const status of visitStatuses) for (const event of visitEvents) expect(() => transition(status, event)).not.toThrow();
  });

  it("says what happened in people's words", () => {
    const result = transition("returned", "cancel");
    expect(!result.ok && result.error.message).toBe("A visit that is over (staff back) cannot be cancelled.");
  });

  it("declined is terminal", () => {
    expect(visitEvents.filter((event) => transition("declined", event).ok)).toEqual([]);
  });
});
