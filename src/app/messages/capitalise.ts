/** A domain message ("say why…") as the start of a sentence under a field or on a card. */
export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
