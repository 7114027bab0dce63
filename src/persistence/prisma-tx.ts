import type { Prisma, PrismaClient } from "./generated/client.js";

/** A Prisma interactive transaction, or the client itself: raw statements run on either. */
export type Tx = Prisma.TransactionClient;
export type Client = Tx | PrismaClient;

// Generous: PGlite serialises everything through one connection.
export const TX_OPTIONS = { maxWait: 20_000, timeout: 30_000 };
