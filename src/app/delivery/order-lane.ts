import type { Target } from "../ports.js";

/**
 * The place a visit's message goes, for keeping order: its messages to one place go out in the
 * order they were decided, and a message to one place never waits behind another place's (the
 * alarm to the alerts channel never waits behind a thread reply or one person's broken chat).
 * A thread reply is in its opener's lane, the visits channel, because it cannot go before it.
 * The claim query in src/persistence/outbox-rows.ts says the same in SQL.
 */
export function orderLaneOf(target: Target): string {
  switch (target.kind) {
    case "channel":
      return `channel:${target.role}`;
    case "visit_thread":
      return "channel:visits";
    case "dm":
      return `dm:${target.staffId}`;
  }
}
