/** Text on Adaptive Cards: what people typed shown as typed, markup only where the bot put it. */

/**
 * The neutral messages' `*bold*` as Adaptive Card markdown `**bold**`; everything else people typed
 * is escaped, so a pupil's name like "[x](https://…)" is shown as typed, never as a link.
 */
export function markdown(text: string): string {
  return escapeTyped(text).replace(/(^|[^*\w])\*([^*\n]+?)\*(?![*\w])/g, "$1**$2**");
}

/** Markdown's link and code markers shown literally: what people typed can never become a link. */
export function escapeTyped(text: string): string {
  return text.replace(/([\\[\]`])/g, "\\$1");
}

/** Notification and screen-reader text: the markup's asterisks are not read out. */
export function plainText(text: string): string {
  return text.replace(/(^|[^*\w])\*([^*\n]+?)\*(?![*\w])/g, "$1$2");
}

/** A text block's lines, blank ones dropped (a card shows each as its own TextBlock). */
export function lines(text: string): string[] {
  const out = text.split(/\n+/).filter((line) => line.trim() !== "");
  return out.length > 0 ? out : [text];
}

/** Markdown escapes undone: the text as a reader sees it. */
function unescapeTyped(text: string): string {
  return text.replace(/\\([\\[\]`])/g, "$1");
}

/** Where a card nests its elements. */
const NESTED = ["body", "items", "columns", "actions", "card"] as const;

/**
 * Calls `visit` with each element of a card, in order, looking inside the containers `into` names
 * (all of them unless told): the one walk behind reading a card's text, inputs or errors.
 */
export function eachCardElement(
  card: unknown,
  visit: (element: Record<string, unknown>) => void,
  into: readonly string[] = NESTED,
): void {
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    if (!node || typeof node !== "object") return;
    const element = node as Record<string, unknown>;
    visit(element);
    for (const key of into) if (key in element) walk(element[key]);
  };
  walk(card);
}

/** Every text a card shows, in order: for logs and tests. */
export function cardText(card: unknown): string {
  const out: string[] = [];
  eachCardElement(card, (element) => {
    if (element.type === "TextBlock" && typeof element.text === "string") out.push(unescapeTyped(element.text));
    if (element.type === "FactSet" && Array.isArray(element.facts))
      for (const fact of element.facts as { title: string; value: string }[])
        out.push(`${unescapeTyped(fact.title)}: ${unescapeTyped(fact.value)}`);
    if (typeof element.title === "string" && String(element.type ?? "").startsWith("Action.")) out.push(`[${element.title}]`);
  });
  return out.join("\n");
}
