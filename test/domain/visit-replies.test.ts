import { describe, expect, it } from "vitest";
import { parseReply } from "../../src/domain/replies/reply-words.js";
import { wordsOf } from "../../src/domain/replies/typed-words.js";

describe("reading replies as people type them", () => {
  it.each([
    ["ok", { type: "ok" }],
    ["OK", { type: "ok" }],
    ["Ok.", { type: "ok" }],
    ["ok thanks", { type: "ok" }],
    ["k", { type: "ok" }],
    ["O K", { type: "ok" }],
    ["🆗", { type: "ok" }],
    ["👍", { type: "ok" }],
    ["👍🏽", { type: "ok" }],
    ["ｏｋ", { type: "ok" }],
    ["all fine here", { type: "ok" }],
    ["o\u200bk", { type: "ok" }],
    ["\u200fok\u200e", { type: "ok" }],
    ["*ok*", { type: "ok" }],
    ["<@U0BOT> ok", { type: "ok" }],
    ["we’re fine", { type: "ok" }],
    ["Leaving", { type: "leaving" }],
    ["leaving now", { type: "leaving" }],
    ["ok leaving", { type: "leaving" }],
    ["arrived", { type: "arrived" }],
    ["in", { type: "in" }],
    ["No answer", { type: "no_answer" }],
    ["parents LATE", { type: "parents_late" }],
    ["delay 15", { type: "delay", minutes: 15 }],
    ["delay 20 mins", { type: "delay", minutes: 20 }],
    ["+15", { type: "delay", minutes: 15 }],
    ["15 more minutes", { type: "delay", minutes: 15 }],
    ["left", { type: "left", notReturning: false }],
    ["left - not returning", { type: "left", notReturning: true }],
    ["going home", { type: "left", notReturning: true }],
    ["back", { type: "back" }],
    ["back at school", { type: "back" }],
    ["Back at school!", { type: "back" }],
    ["help", { type: "help" }],
    ["help me", { type: "alarm" }],
    ["need help", { type: "alarm" }],
    ["unsafe", { type: "alarm" }],
    ["not safe", { type: "alarm" }],
    ["call the police", { type: "alarm" }],
    ["Call the police!!", { type: "alarm" }],
  ])("reads %j", (text, expected) => {
    expect(parseReply(text)).toEqual(expected);
  });

  it.each(["the parents are lovely", "in a minute", "okay then we'll see", "delay", "delay soon", "marmalade", ""])(
    "leaves ordinary conversation alone: %j",
    (text) => {
      expect(parseReply(text)).toBeNull();
    },
  );

  it("reads words the same whatever the markup, width, case or invisible marks", () => {
    for (const typed of [
      "marmalade.",
      "Marmalade!",
      "*marmalade*",
      "_marmalade_",
      "ＭＡＲＭＡＬＡＤＥ",
      "mar\u200dmalade",
      "\u202bmarmalade\u202c",
      "m a r m a l a d e",
    ])
      expect(wordsOf(typed)).toEqual(["marmalade"]);
    expect(wordsOf("ok marmalade 👍")).toEqual(["ok", "marmalade", "ok"]);
    expect(wordsOf("<https://example.org|the link> <!here>")).toEqual(["the", "link"]);
  });
});
