import { afterEach, describe, expect, it } from "vitest";
import type { NeutralMessage } from "../../src/app/messages/neutral-message.js";
import { DeliveryError, type MessageRef, type OutgoingMessage, type ResolvedTarget } from "../../src/app/ports.js";
import { FakeChat, fakeChatAdapter } from "../support/fake-chat.js";
import { startTestApp, type TestApp } from "../support/test-app.js";
import { createTestDatabase, type TestDatabase, testDatabaseUrl } from "../support/test-database.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const T = new Date("2026-11-24T10:00:00.000Z");
const text = (message: string): NeutralMessage => ({ text: message, blocks: [] });

function toAlerts(visitId: string | null, message: string): OutgoingMessage {
  return { visitId, platform: "console", target: { kind: "channel", role: "alerts" }, message: text(message), critical: true };
}
function toPerson(visitId: string, staffId: string, message: string): OutgoingMessage {
  return { visitId, platform: "console", target: { kind: "dm", staffId }, message: text(message), critical: true };
}

async function enqueue(app: TestApp, messages: OutgoingMessage[]): Promise<void> {
  await app.ctx.store.inTransaction((tx) => tx.enqueue(messages, app.clock.now()));
}

async function appOn(db: TestDatabase, chat: FakeChat, options: { leaseMs?: number } = {}): Promise<TestApp> {
  const app = await startTestApp({}, { db, adapters: [fakeChatAdapter(chat)], leaseMs: options.leaseMs });
  cleanups.push(() => app.stop());
  return app;
}

async function freshDb(): Promise<TestDatabase> {
  const db = await createTestDatabase(T);
  cleanups.push(() => db.drop());
  return db;
}

/** A platform that takes `ms` (or between the two given) to answer each post. */
class SlowChat extends FakeChat {
  private calls = 0;
  constructor(private readonly ms: number | [number, number]) {
    super("console");
  }
  override async post(target: ResolvedTarget, message: NeutralMessage): Promise<MessageRef> {
    const [low, high] = typeof this.ms === "number" ? [this.ms, this.ms] : this.ms;
    // Spread evenly (not at random): every run sees the same mix of quick and slow answers.
    const ms = low + ((this.calls++ * 7) % 10) * ((high - low) / 9);
    await new Promise((resolve) => setTimeout(resolve, ms));
    return super.post(target, message);
  }
}

/** Keeps the test clock moving with real time (leases must be able to run out). */
function followRealTime(db: TestDatabase): void {
  const started = Date.now();
  const timer = setInterval(() => db.clock.set(new Date(T.getTime() + Date.now() - started)), 20);
  cleanups.push(async () => clearInterval(timer));
}

describe("two instances on one PostgreSQL, the platform slower than the lease", () => {
  it.skipIf(!testDatabaseUrl())(
    "each message is posted once: the lease of a row still being sent is renewed, so the other instance never takes it",
    async () => {
      const db = await freshDb();
      followRealTime(db);
      // Each post takes 0.2 to 1.2 s; a lease is 0.3 s (renewed every 75 ms), and both instances
      // look at the outbox every 50 ms, as their ticks do. Without renewal the other instance
      // would take rows still in flight and post them a second time.
      const chat = new SlowChat([200, 1200]);
      const a = await appOn(db, chat, { leaseMs: 300 });
      const b = await startTestApp(
        {},
        { db: { ...db, store: await db.openAnother() }, adapters: [fakeChatAdapter(chat)], leaseMs: 300 },
      );
      cleanups.push(() => b.stop());
      await enqueue(
        a,
        Array.from({ length: 24 }, (_, i) => toAlerts(null, `message ${i}`)),
      );
      const ticking = setInterval(() => {
        a.ctx.kick();
        b.ctx.kick();
      }, 50);
      cleanups.push(async () => clearInterval(ticking));
      await Promise.all([a.flush(), b.flush()]);
      for (let round = 0; round < 5; round++) await Promise.all([a.flush(), b.flush()]);
      clearInterval(ticking);
      const texts = chat.sent.map((m) => m.message.text);
      expect(texts).toHaveLength(24);
      expect(new Set(texts).size).toBe(24);
    },
    60_000,
  );
});

describe("a visit's messages keep their order", () => {
  it("through an outage: none of a visit's messages overtakes an earlier one, even once all are old", async () => {
    const db = await freshDb();
    const chat = new FakeChat("console");
    const app = await appOn(db, chat);
    chat.failNext(1_000_000); // the platform is down
    await enqueue(app, [toAlerts("HV-ORDER1", "1 check-in prompt")]);
    await app.flush();
    for (let minute = 1; minute <= 12; minute++) {
      app.clock.set(new Date(T.getTime() + minute * 60_000));
      if (minute === 5)
        await enqueue(app, [toAlerts("HV-ORDER1", "2 you missed a check-in"), toAlerts("HV-ORDER1", "3 office told")]);
      await app.flush();
    }
    expect(chat.sent).toEqual([]);
    // Retried with backoff all along, never in a tight loop.
    expect(chat.attempts).toBeLessThan(60);
    chat.failNext(0); // back
    for (let second = 1; second <= 120; second += 5) {
      app.clock.set(new Date(T.getTime() + 12 * 60_000 + second * 1000));
      await app.flush();
    }
    expect(chat.sent.map((m) => m.message.text)).toEqual(["1 check-in prompt", "2 you missed a check-in", "3 office told"]);
  });

  it("but a message stuck on one person's chat holds back only that person's later messages", async () => {
    const db = await freshDb();
    let shahDown = true;
    const chat = new (class extends FakeChat {
      override async post(target: ResolvedTarget, message: NeutralMessage): Promise<MessageRef> {
        if (shahDown && target.kind === "dm" && target.user === "d.shah") throw new DeliveryError("HTTP 503 for this chat");
        if (target.kind === "dm" && target.user === "b.hughes") throw new DeliveryError("user_not_found", undefined, false);
        return super.post(target, message);
      }
    })("console");
    const app = await appOn(db, chat);
    await enqueue(app, [
      toPerson("HV-STUCK1", "d.shah", "office: phone the pair"),
      toAlerts("HV-STUCK1", "leaders told"),
      toPerson("HV-STUCK1", "d.shah", "office: leaders told"),
    ]);
    await enqueue(app, [toPerson("HV-DEAD01", "b.hughes", "deputy told"), toAlerts("HV-DEAD01", "emergency pack")]);
    await app.flush();
    const sent = () => chat.sent.map((m) => m.message.text);
    // Other places never wait: not behind a chat that is down for now, nor one that can never work.
    expect(sent()).toEqual(["leaders told", "emergency pack"]);
    for (const seconds of [30, 60]) {
      app.clock.set(new Date(T.getTime() + seconds * 1000));
      await app.flush();
      expect(sent()).toEqual(["leaders told", "emergency pack"]);
    }
    // Their chat works again: the office gets both, in the order they were decided.
    shahDown = false;
    app.clock.set(new Date(T.getTime() + 5 * 60_000));
    await app.flush();
    expect(sent()).toEqual(["leaders told", "emergency pack", "office: phone the pair", "office: leaders told"]);
  });
});

describe("SIGTERM's part in delivery", () => {
  it("rows claimed but not yet sent are given back at once, not left to a lease", async () => {
    const db = await freshDb();
    const chat = new SlowChat(200);
    const app = await startTestApp({}, { db, adapters: [fakeChatAdapter(chat)] });
    // One visit, five messages: one chain, sent one after another.
    await enqueue(
      app,
      Array.from({ length: 5 }, (_, i) => toAlerts("HV-STOP01", `step ${i}`)),
    );
    app.ctx.kick();
    while (chat.sent.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await app.stop(Date.now() + 5000);
    const rows = await db.query<{ state: string; claimedBy: string | null }>(
      `SELECT state, "claimedBy" FROM "Outbox" WHERE "visitId" = 'HV-STOP01' ORDER BY seq`,
    );
    const sent = chat.sent.length;
    expect(sent).toBeLessThan(5);
    expect(rows.filter((r) => r.state === "delivered")).toHaveLength(sent);
    // The rest are pending again, owned by nobody: any instance may send them now.
    expect(rows.slice(sent)).toEqual(Array.from({ length: 5 - sent }, () => ({ state: "pending", claimedBy: null })));
  });
});
