/**
 * What people type, read as words. Staff on a doorstep type on a phone: capitals, full stops,
 * emoji, Slack's *bold* and _italics_, autocorrected apostrophes, invisible marks a keyboard or a
 * copy-paste leaves behind. Everything that reads a message as words (the reply parser, the code
 * word, its refusal at request time) goes through this one function, so they can never disagree.
 */

// Format characters (zero-width spaces and joiners, bidi marks and isolates, soft hyphens, word
// joiners, tags), variation selectors, fillers and skin tones: invisible, never part of a word.
const INVISIBLE = /\p{Cf}|\p{Variation_Selector}|\u034F|[\u115F\u1160\u17B4\u17B5\u3164\uFFA0]|[\u{1F3FB}-\u{1F3FF}]/gu;

// Slack markup that is not words: mentions, channel links, special mentions; a link keeps its label.
const SLACK_LINK_WITH_LABEL = /<(?:https?:|mailto:)[^|>]*\|([^>]*)>/gi;
const SLACK_MARKUP = /<[@#!][^>]*>|<(?:https?:|mailto:)[^>]*>/gi;

// Emoji people use for "I'm fine": each reads as the word ok.
const OK_EMOJI = /\u{1F44D}|\u{1F197}|\u{1F44C}|\u2705|\u2714|\u2611/gu;

/** The words of a message: NFKC, case folded, markup, punctuation and emoji gone. */
export function wordsOf(text: string): string[] {
  const plain = text
    .normalize("NFKC")
    .replace(INVISIBLE, "")
    .replace(SLACK_LINK_WITH_LABEL, " $1 ")
    .replace(SLACK_MARKUP, " ")
    .replace(OK_EMOJI, " ok ")
    .toLowerCase()
    // "we're" is one word; a typed or autocorrected apostrophe must not split it.
    .replace(/['\u2019\u02BC]/g, "")
    .replace(/[^\p{L}\p{N}]+/gu, " ");
  return joinSpelledOut(plain.split(" ").filter(Boolean));
}

/** "O K" and "m a r m a l a d e" are the words they spell: runs of single letters are joined. */
function joinSpelledOut(words: readonly string[]): string[] {
  const out: string[] = [];
  let run: string[] = [];
  const flush = () => {
    if (run.length >= 2) out.push(run.join(""));
    else out.push(...run);
    run = [];
  };
  for (const word of words) {
    if ([...word].length === 1 && /\p{L}/u.test(word)) run.push(word);
    else {
      flush();
      out.push(word);
    }
  }
  flush();
  return out;
}

/** The message as one normalised string of words ("Marmalade!" → "marmalade"). */
export function normalisedText(text: string): string {
  return wordsOf(text).join(" ");
}
