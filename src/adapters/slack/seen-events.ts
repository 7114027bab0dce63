/**
 * Event ids already handled, so a Slack retry of the same event (x-slack-retry-num) is never applied
 * twice. In memory and bounded: Slack retries within minutes, so the newest few thousand suffice.
 */
export class SeenEvents {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity = 5000) {}

  /** True the first time an id is seen; false for a repeat. */
  firstTime(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next().value;
      if (oldest !== undefined) this.ids.delete(oldest);
    }
    return true;
  }

  /** Lets an id through again (its first attempt failed). */
  forget(id: string): void {
    this.ids.delete(id);
  }
}
