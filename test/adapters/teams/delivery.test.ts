import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Client as ApiClient } from "@microsoft/teams.api";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { TeamsBindings } from "../../../src/adapters/teams/bindings.js";
import { TeamsConnector } from "../../../src/adapters/teams/connector.js";
import { createTeamsDelivery } from "../../../src/adapters/teams/teams-delivery.js";
import { notice } from "../../../src/app/messages/visit-messages.js";
import { type ChatDelivery, DeliveryError, type MessageRef, type Store } from "../../../src/app/ports.js";
import { loadDirectoryFile } from "../../../src/config/load-school.js";
import { CHANNELS, PEOPLE, TENANT } from "./support/activities.js";
import { type ConnectorStub, startConnectorStub } from "./support/connector-stub.js";

/** Our Store port, reduced to the channel bindings the delivery reads and writes. */
function bindingStore(): Store & { bindings: Map<string, MessageRef> } {
  const bindings = new Map<string, MessageRef>();
  return {
    bindings,
    getChannelBinding: async (platform: string, key: string) => bindings.get(`${platform}:${key}`) ?? null,
    saveChannelBinding: async (platform: string, key: string, ref: MessageRef) => void bindings.set(`${platform}:${key}`, ref),
  } as unknown as Store & { bindings: Map<string, MessageRef> };
}

const directory = loadDirectoryFile("schools/demo.yaml");
const message = notice("Home visit HV-AAAAA: hello");
let stub: ConnectorStub;
let store: ReturnType<typeof bindingStore>;
let delivery: ChatDelivery;

beforeAll(async () => {
  stub = await startConnectorStub();
});
afterAll(async () => {
  await stub?.close();
});
beforeEach(() => {
  stub.reset();
  store = bindingStore();
  const http = new ApiClient(stub.url).http.clone({ timeout: 2_000 });
  delivery = createTeamsDelivery({
    connector: new TeamsConnector(http, stub.url),
    bindings: new TeamsBindings(store, { directory }),
    school: { directory },
    tenantId: TENANT,
  });
});

const base = () => stub.url.replace(/\/$/, "");

describe("posting to channels", () => {
  it("a channel target is a new post; its ref is the conversation, the activity id and the serviceUrl", async () => {
    const ref = await delivery.post({ kind: "channel", channel: CHANNELS.approvals, mentions: [] }, message);
    expect(stub.calls[0]).toMatchObject({ method: "POST", path: `/v3/conversations/${CHANNELS.approvals}/activities` });
    expect(stub.calls[0]?.body).toMatchObject({ type: "message", summary: message.text });
    expect(stub.calls[0]?.authorization).toBeUndefined(); // no credentials: no "Bearer null"
    expect(ref).toEqual({ channel: CHANNELS.approvals, id: String(stub.calls[0]?.response.id), serviceUrl: base() });
  });

  it("with a threadRef it replies in the thread: <channel>;messageid=<root>", async () => {
    const root = { channel: CHANNELS.visits, id: "1790000000999", serviceUrl: base() };
    const ref = await delivery.post(
      { kind: "channel", channel: CHANNELS.visits, threadRef: root, mentions: [PEOPLE.requester.aad] },
      message,
    );
    expect(stub.calls[0]?.conversation).toBe(`${CHANNELS.visits};messageid=1790000000999`);
    expect(JSON.stringify(stub.calls[0]?.card)).toContain(`"text":"<at>Erin Walsh</at>"`);
    expect(stub.calls[0]?.card?.msteams).toEqual({
      entities: [{ type: "mention", text: "<at>Erin Walsh</at>", mentioned: { id: PEOPLE.requester.aad, name: "Erin Walsh" } }],
    });
    expect(ref.channel).toBe(`${CHANNELS.visits};messageid=1790000000999`);
  });

  it("update() PUTs the activity, so the card changes in place", async () => {
    const ref = { channel: CHANNELS.approvals, id: "1790000000123", serviceUrl: base() };
    expect(await delivery.update(ref, message)).toEqual(ref);
    expect(stub.calls[0]).toMatchObject({
      method: "PUT",
      path: `/v3/conversations/${CHANNELS.approvals}/activities/1790000000123`,
    });
  });
});

describe("direct messages", () => {
  it("opens a 1:1 chat once, remembers it, and reuses it", async () => {
    const first = await delivery.post({ kind: "dm", user: PEOPLE.second.aad }, message);
    const second = await delivery.post({ kind: "dm", user: PEOPLE.second.aad }, message);
    const opened = stub.calls.filter((c) => c.createsConversation);
    expect(opened).toHaveLength(1);
    expect(opened[0]?.body).toMatchObject({
      isGroup: false,
      members: [{ id: PEOPLE.second.aad, aadObjectId: PEOPLE.second.aad }],
      tenantId: TENANT,
      channelData: { tenant: { id: TENANT } },
    });
    const chat = String(opened[0]?.response.id);
    expect(first.channel).toBe(chat);
    expect(second.channel).toBe(chat);
    expect(store.bindings.get(`teams:user:${PEOPLE.second.aad}`)).toMatchObject({ conversation: chat, tenantId: TENANT });
  });

  it("uses the person's Teams id when the bot has heard from them", async () => {
    await store.saveChannelBinding("teams", `user:${PEOPLE.second.aad}`, { userId: PEOPLE.second.id, serviceUrl: base() });
    await delivery.post({ kind: "dm", user: PEOPLE.second.aad }, message);
    expect(stub.calls[0]?.body).toMatchObject({ members: [{ id: PEOPLE.second.id }] });
  });

  it("a remembered chat that is gone is forgotten, and the retry opens a new one", async () => {
    await store.saveChannelBinding("teams", `user:${PEOPLE.second.aad}`, { conversation: "a:gone", serviceUrl: base() });
    stub.failNext((c) => c.conversation === "a:gone", { status: 404, body: { error: { code: "ConversationNotFound" } } });
    const error = await delivery.post({ kind: "dm", user: PEOPLE.second.aad }, message).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as DeliveryError).retryable).toBe(true);
    expect(store.bindings.get(`teams:user:${PEOPLE.second.aad}`)?.conversation).toBeUndefined();
    const ref = await delivery.post({ kind: "dm", user: PEOPLE.second.aad }, message);
    expect(ref.channel).toMatch(/^a:chat-/);
  });
});

describe("failures become DeliveryErrors that say whether to retry", () => {
  const failWith = async (status: number, headers?: Record<string, string>) => {
    stub.failNext(() => true, { status, headers });
    return (await delivery
      .post({ kind: "channel", channel: CHANNELS.alerts, mentions: [] }, message)
      .catch((e) => e)) as DeliveryError;
  };

  it("429 with Retry-After: wait as long as Teams says", async () => {
    const error = await failWith(429, { "retry-after": "7" });
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ retryAfterMs: 7000, retryable: true });
  });

  it("403 and 404: retrying cannot help", async () => {
    expect(await failWith(403)).toMatchObject({ retryable: false });
    expect(await failWith(404)).toMatchObject({ retryable: false, message: expect.stringMatching(/HTTP 404/) });
  });

  it("5xx and network failures: retry", async () => {
    expect(await failWith(502)).toMatchObject({ retryable: true, retryAfterMs: undefined });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const offline = createTeamsDelivery({
      connector: new TeamsConnector(new ApiClient(`http://127.0.0.1:${port}`).http, `http://127.0.0.1:${port}`),
      bindings: new TeamsBindings(store, { directory }),
      school: { directory },
    });
    const error = await offline.post({ kind: "channel", channel: CHANNELS.alerts, mentions: [] }, message).catch((e) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ retryable: true });
  });
});
