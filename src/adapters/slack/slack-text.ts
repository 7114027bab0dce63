/** Slack's limits that our rendering has to respect (Block Kit reference). */
export const LIMITS = {
  sectionText: 3000,
  fieldText: 2000,
  fieldsPerSection: 10,
  buttonsPerActions: 25,
  buttonText: 75,
  blocksPerMessage: 50,
  blocksPerModal: 100,
  modalTitle: 24,
  optionText: 75,
  optionsPerSelect: 100,
  label: 2000,
  hint: 2000,
  placeholder: 150,
  privateMetadata: 3000,
} as const;

/**
 * Escapes the three characters Slack's mrkdwn treats as markup. Text from people (a pupil's name,
 * an address, a reason) can then never become a mention such as <!channel> or a link.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Cuts text to `max` characters, marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Splits long text into pieces of at most `max` characters, preferring line breaks. */
export function splitText(text: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = rest.lastIndexOf("\n", max);
    if (cut < max / 2) cut = rest.lastIndexOf(" ", max);
    if (cut < max / 2) cut = max;
    // Never split an escape (&amp; &lt; &gt;) in two.
    const amp = rest.lastIndexOf("&", cut);
    if (amp > cut - 5 && amp >= 0 && rest.indexOf(";", amp) >= cut) cut = amp;
    pieces.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^\n/, "");
  }
  if (rest.length > 0 || pieces.length === 0) pieces.push(rest);
  return pieces;
}

/** Slack's mention markup for a member id (U…/W…). */
export function mention(userId: string): string {
  return `<@${userId}>`;
}

/** What a person sees when something failed on our side: never silence, never a false success. */

/** Slack caps how many fields, buttons or options one block holds: the rest go in further blocks. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
