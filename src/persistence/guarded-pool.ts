import type pg from "pg";
import type { DatabaseHealth } from "./database-health.js";

export class DatabaseUnreachable extends Error {
  constructor(detail: string) {
    super(`the database is unreachable (${detail})`);
    this.name = "DatabaseUnreachable";
  }
}

type Query = (...args: unknown[]) => Promise<unknown>;

/**
 * Makes the pool fail fast while the database is known to be unreachable, tell `health` how every
 * query went, and throw away a connection whose query timed out (its stream is no longer in step)
 * instead of handing it to the next transaction.
 */
export function guardPool(pool: pg.Pool, health: DatabaseHealth): pg.Pool {
  const refuse = () => Promise.reject(new DatabaseUnreachable(health.problem ?? "no answer"));
  const watched = <T>(work: Promise<T>, onFailure?: (error: unknown) => void): Promise<T> =>
    work.then(
      (value) => {
        health.succeeded();
        return value;
      },
      (error: unknown) => {
        health.failed(error);
        onFailure?.(error);
        throw error;
      },
    );

  const query = pool.query.bind(pool) as unknown as Query;
  (pool as unknown as { query: Query }).query = (...args) => {
    if (typeof args.at(-1) === "function") return query(...args); // callback style: not used by Prisma
    return health.reachable ? watched(query(...args)) : refuse();
  };

  const connect = pool.connect.bind(pool) as unknown as (...args: unknown[]) => Promise<pg.PoolClient>;
  (pool as unknown as { connect: unknown }).connect = (...args: unknown[]) => {
    if (args.length > 0) return connect(...args);
    if (!health.reachable) return refuse();
    return watched(connect()).then(guardClient);
  };

  const guardClient = (client: pg.PoolClient): pg.PoolClient => {
    const guarded = client as pg.PoolClient & { homevisitGuarded?: { broken: boolean } };
    if (guarded.homevisitGuarded) {
      guarded.homevisitGuarded.broken = false;
      return client;
    }
    const state = { broken: false };
    guarded.homevisitGuarded = state;
    const clientQuery = client.query.bind(client) as unknown as Query;
    (client as unknown as { query: Query }).query = (...args) => {
      if (typeof args.at(-1) === "function") return clientQuery(...args);
      if (!health.reachable || state.broken) return refuse();
      return watched(clientQuery(...args), (error) => {
        if (!health.reachable) state.broken = true;
        else if (error instanceof Error && /timeout/i.test(error.message)) state.broken = true;
      });
    };
    const release = client.release.bind(client);
    client.release = (error?: Error | boolean) =>
      release(error ?? (state.broken ? new Error("connection dropped after a timeout") : undefined));
    return client;
  };
  return pool;
}
