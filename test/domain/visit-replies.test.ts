import { describe, expect, it } from "vitest";
import { parseReply } from "../../src/domain/visit-replies.js";

describe("reading replies in the visit thread", () => {
  it.each([
    ["ok", { type: "ok" }],
    ["OK", { type: "ok" }],
    ["Ok.", { type: "ok" }],
    ["<@U0BOT> ok", { type: "ok" }],
    ["Leaving", { type: "leaving" }],
    ["arrived", { type: "arrived" }],
    ["in", { type: "in" }],
    ["No answer", { type: "no_answer" }],
    ["parents LATE", { type: "parents_late" }],
    ["delay 15", { type: "delay", minutes: 15 }],
    ["delay 20 mins", { type: "delay", minutes: 20 }],
    ["left", { type: "left", notReturning: false }],
    ["left - not returning to school", { type: "left", notReturning: true }],
    ["back", { type: "back" }],
    ["help", { type: "help" }],
  ])("reads %j", (text, expected) => {
    expect(parseReply(text)).toEqual(expected);
  });

  it.each(["the parents are lovely", "in a minute", "okay then we'll see", "delay", "delay soon"])(
    "leaves ordinary conversation alone: %j",
    (text) => {
      expect(parseReply(text)).toBeNull();
    },
  );
});
