/**
 * Called right after ack(): resolves when this request's work (database, views.open, deliveries)
 * may start. At most one such start per turn of the event loop, and each turn first reads and
 * acknowledges every request already waiting: under a burst Slack hears from the bot at once, and
 * the work follows in order of arrival. The work itself is the same, only later by a turn or so.
 */
export function afterWaitingRequests(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    if (waiting.length === 1) setImmediate(startNext);
  });
}

const waiting: (() => void)[] = [];

function startNext(): void {
  // Resolving runs the work's first steps in this turn's microtasks, up to its first real I/O.
  waiting.shift()?.();
  if (waiting.length > 0) setImmediate(startNext);
}
