const graphemes = new Intl.Segmenter("en", { granularity: "grapheme" });

/** The first letter of each word, as people read it: a whole character, never half a surrogate pair. */
function firstLetters(name: string): string[] {
  return name
    .normalize("NFC")
    .split(/\s+/u)
    .flatMap((word) => {
      const first = graphemes.segment(word)[Symbol.iterator]().next().value?.segment ?? "";
      // An emoji or a bracket is not an initial.
      return /^\p{L}/u.test(first) ? [first.toLocaleUpperCase("en-GB")] : [];
    });
}

/**
 * "Jamie Lee Smith" → "J.L.S.", "𠮷田 花子" → "𠮷.花.": what the general visits channel may show of a
 * pupil. "?" when the name has no letters at all.
 */
export function initialsOf(name: string): string {
  const letters = firstLetters(name);
  return letters.length > 0 ? letters.map((letter) => `${letter}.`).join("") : "?";
}

/** Up to two letters for an avatar ("JL"). */
export function avatarLetters(name: string): string {
  return firstLetters(name).slice(0, 2).join("") || "?";
}
