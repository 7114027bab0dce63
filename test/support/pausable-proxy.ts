import type { AddressInfo } from "node:net";
import { connect, createServer, type Server, type Socket } from "node:net";

export interface PausableProxy {
  /** The same database URL, through the proxy. */
  url: string;
  /** Blackholes the database: nothing passes either way, nothing is refused (as with a cut network). */
  pause(): void;
  /** Lets everything through again; what was held goes on, as TCP's retransmission would deliver it. */
  resume(): void;
  close(): Promise<void>;
}

/**
 * A small TCP proxy in front of PostgreSQL that tests pause to blackhole the database: packets
 * are neither answered nor refused, new connections open but their handshake never completes.
 */
export async function startPausableProxy(databaseUrl: string): Promise<PausableProxy> {
  const target = new URL(databaseUrl);
  const upstreamPort = Number(target.port || 5432);
  const upstreamHost = target.hostname;
  const pairs = new Set<{ client: Socket; upstream: Socket | null; held: Buffer[] }>();
  let paused = false;

  const server: Server = createServer((client) => {
    const pair: { client: Socket; upstream: Socket | null; held: Buffer[] } = { client, upstream: null, held: [] };
    pairs.add(pair);
    const open = () => {
      const upstream = connect(upstreamPort, upstreamHost);
      pair.upstream = upstream;
      for (const chunk of pair.held.splice(0)) upstream.write(chunk);
      client.pipe(upstream);
      upstream.pipe(client);
      upstream.on("error", () => client.destroy());
      upstream.on("close", () => client.destroy());
      if (paused) hold(pair);
    };
    client.on("error", () => pair.upstream?.destroy());
    client.on("close", () => {
      pair.upstream?.destroy();
      pairs.delete(pair);
    });
    if (paused) {
      // Accepted, but nothing reaches the server until the network is back.
      client.pause();
      (pair as { pending?: () => void }).pending = open;
    } else open();
  });
  const hold = (pair: { client: Socket; upstream: Socket | null }) => {
    pair.client.pause();
    pair.upstream?.pause();
  };
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = new URL(databaseUrl);
  url.hostname = "127.0.0.1";
  url.port = String((server.address() as AddressInfo).port);

  return {
    url: url.toString(),
    pause: () => {
      paused = true;
      for (const pair of pairs) hold(pair);
    },
    resume: () => {
      paused = false;
      for (const pair of pairs) {
        const pending = (pair as { pending?: () => void }).pending;
        if (pending) {
          (pair as { pending?: () => void }).pending = undefined;
          pair.client.resume();
          pending();
          continue;
        }
        pair.client.resume();
        pair.upstream?.resume();
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const pair of pairs) {
          pair.client.destroy();
          pair.upstream?.destroy();
        }
        server.close(() => resolve());
      }),
  };
}
