import { wordsOf } from "./typed-words.js";

/** What the visiting pair can say, however they type it. */
export type VisitReply =
  | { type: "ok" }
  | { type: "leaving" }
  | { type: "arrived" }
  | { type: "in" }
  | { type: "no_answer" }
  | { type: "parents_late" }
  | { type: "delay"; minutes: number }
  | { type: "left"; notReturning: boolean }
  | { type: "back" }
  /** A day of visits: on to the next home. */
  | { type: "next" }
  | { type: "help" }
  /** "help me", "unsafe", "call the police": an open alarm, raised at once and said out loud. */
  | { type: "alarm" };

type Simple = Exclude<VisitReply["type"], "delay" | "left"> | "left" | "left_not_returning";

/**
 * Each reply and the phrases that mean it, after typed-words normalisation. The alarm phrases come
 * first so "not safe" is never read as "safe", and "help me" never as "help".
 */
const PHRASES: readonly (readonly [Simple, readonly string[]])[] = [
  [
    "alarm",
    [
      "help me",
      "help us",
      "need help",
      "i need help",
      "we need help",
      "unsafe",
      "not safe",
      "im not safe",
      "we are not safe",
      "not ok",
      "not okay",
      "call the police",
      "call police",
      "get the police",
      "police",
      "sos",
      "999",
      "danger",
      "in danger",
    ],
  ],
  ["help", ["help", "commands", "words"]],
  [
    "ok",
    [
      "ok",
      "okay",
      "k",
      "kk",
      "fine",
      "all fine",
      "all good",
      "all ok",
      "all okay",
      "all well",
      "good",
      "safe",
      "all safe",
      "were fine",
      "we are fine",
      "were ok",
      "we are ok",
      "were safe",
      "we are safe",
      "im ok",
      "i am ok",
      "im fine",
      "i am fine",
      "im safe",
      "yes",
      "yep",
      "yeah",
      "still here",
      "checking in",
      "check in",
    ],
  ],
  [
    "leaving",
    [
      "leaving",
      "leaving school",
      "setting off",
      "set off",
      "off",
      "on our way",
      "on my way",
      "heading out",
      "left school",
      "going",
      "were off",
      "we are off",
    ],
  ],
  [
    "arrived",
    ["arrived", "here", "at the door", "at the house", "at the address", "were here", "we are here", "just arrived", "outside"],
  ],
  ["in", ["in", "inside", "going in", "gone in", "were in", "we are in", "in the house", "in the home"]],
  [
    "no_answer",
    [
      "no answer",
      "nobody in",
      "no one in",
      "nobody home",
      "no one home",
      "no reply",
      "nobody answering",
      "no one answering",
      "nobody there",
      "no one there",
    ],
  ],
  [
    "parents_late",
    ["parents late", "parent late", "parents running late", "parents are late", "running late", "parents on their way"],
  ],
  [
    "left_not_returning",
    [
      "left not returning",
      "left not coming back",
      "not returning",
      "not coming back",
      "going home",
      "left going home",
      "heading home",
      "straight home",
    ],
  ],
  [
    "left",
    [
      "left",
      "left the address",
      "left the house",
      "left address",
      "leaving the address",
      "leaving the house",
      "done",
      "finished",
      "visit done",
      "visit finished",
      "heading back",
      "on the way back",
      "coming back",
    ],
  ],
  [
    "next",
    [
      "next",
      "next stop",
      "next house",
      "next home",
      "next visit",
      "next address",
      "next one",
      "on to the next",
      "onto the next",
      "on to the next one",
      "onto the next one",
      "moving on",
      "off to the next",
      "going to the next",
    ],
  ],
  [
    "back",
    [
      "back",
      "back at school",
      "back in school",
      "back at base",
      "returned",
      "at school",
      "were back",
      "we are back",
      "im back",
      "i am back",
    ],
  ],
];

/** Words that only soften a reply: "ok thanks", "back now x", "all fine here". */
const TRAILING = new Set(["thanks", "thank", "you", "ta", "cheers", "thx", "now", "please", "pls", "x", "xx", "here", "mate"]);
/** Words that only lead in to one: "ok leaving", "yes back". */
const LEADING = new Set(["ok", "okay", "yes", "yep", "so", "right", "hi", "hello", "just", "now"]);

const DELAY_UNITS = new Set(["m", "min", "mins", "minute", "minutes"]);

const byPhrase = new Map<string, Simple>();
for (const [type, phrases] of PHRASES) for (const phrase of phrases) if (!byPhrase.has(phrase)) byPhrase.set(phrase, type);

/**
 * Reads a message as one of the pair's replies, or null when it is not one. Only whole messages
 * count: "in a minute" is conversation, not "in".
 */
export function parseReply(text: string): VisitReply | null {
  const plus = /^\s*\+\s*(\d{1,3})\s*(m|min|mins|minutes)?\s*$/i.exec(text.normalize("NFKC"));
  if (plus) return { type: "delay", minutes: Number(plus[1]) };
  return readWords(collapseRepeats(wordsOf(text)));
}

function readWords(words: readonly string[]): VisitReply | null {
  if (words.length === 0) return null;
  const exact = asReply(words);
  if (exact) return exact;
  let end = words.length;
  while (end > 1 && TRAILING.has(words[end - 1] ?? "")) end--;
  let start = 0;
  while (start < end - 1 && LEADING.has(words[start] ?? "")) start++;
  return start === 0 && end === words.length ? null : asReply(words.slice(start, end));
}

function asReply(words: readonly string[]): VisitReply | null {
  const delay = asDelay(words);
  if (delay) return delay;
  const type = byPhrase.get(words.join(" "));
  if (!type) return null;
  if (type === "left" || type === "left_not_returning") return { type: "left", notReturning: type === "left_not_returning" };
  return { type } as VisitReply;
}

/** "delay 15", "delay 15 mins", "extend 20", "15 more minutes", "another 10 min". */
function asDelay(words: readonly string[]): VisitReply | null {
  const [first, second, ...rest] = words;
  const minutes = (n: string | undefined, tail: readonly string[]) =>
    n && /^\d{1,3}$/.test(n) && tail.every((w) => DELAY_UNITS.has(w) || w === "more") && tail.length <= 2 ? Number(n) : null;
  if (first === "delay" || first === "extend" || first === "another") {
    const n = minutes(second, rest);
    return n === null ? null : { type: "delay", minutes: n };
  }
  if (second === "more" || (second && DELAY_UNITS.has(second) && rest[0] === "more")) {
    const n = minutes(first, [second, ...rest]);
    return n === null ? null : { type: "delay", minutes: n };
  }
  return null;
}

/** "ok ok" and "👍👍" are one ok. */
function collapseRepeats(words: readonly string[]): string[] {
  return words.filter((word, i) => word !== words[i - 1]);
}

/** Every word homevisit reads in a reply, and the words that only soften one. */
const VOCABULARY: ReadonlySet<string> = new Set([
  ...[...byPhrase.keys()].flatMap((phrase) => phrase.split(" ")),
  ...TRAILING,
  ...LEADING,
  ...DELAY_UNITS,
  "delay",
  "extend",
  "another",
  "more",
]);

/**
 * Whether a word could be taken for (part of) an ordinary reply. A code word must never be: "safe",
 * "all good" or 👍 as a code word would raise an alarm on every check-in, or never be noticed.
 */
export function couldBeReply(text: string): boolean {
  const words = wordsOf(text);
  return parseReply(text) !== null || words.some((word) => VOCABULARY.has(word) || /^\d+$/.test(word));
}

/** Whether every word is one a reply uses, so a run of them can never be the code word. */
export function isReplyVocabulary(words: readonly string[]): boolean {
  return words.every((word) => VOCABULARY.has(word));
}
