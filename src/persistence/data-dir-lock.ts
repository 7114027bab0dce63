import { randomUUID } from "node:crypto";
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { ConfigError } from "../config/config-error.js";

export interface DataDirLock {
  readonly path: string;
  release(): void;
}

/**
 * The embedded database is one process: PGlite has no locking of its own, and two processes on one
 * DATA_DIR lose each other's writes. The first process writes its pid into DATA_DIR's lock file,
 * beside it (`./data` → `./data.lock`: PGlite will not create a database in a folder that is not
 * empty), created exclusively; a second one refuses to start, naming that pid. A lock whose pid is no
 * longer running (a crash, kill -9) is taken over: moved aside atomically first, so two processes
 * taking over at once cannot both win.
 */
export function lockDataDir(dataDir: string, pid: number = process.pid): DataDirLock {
  const path = lockPathOf(dataDir);
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 5; attempt++) {
    if (createExclusively(path, pid)) return { path, release: () => releaseIfOurs(path, pid) };
    const holder = readHolder(path);
    if (holder === null) continue; // gone between our attempt and our read: try again
    if (holder !== pid && isRunning(holder))
      throw new ConfigError(
        `DATA_DIR ${dataDir} is in use by another homevisit process (pid ${holder}). The embedded database is for one process only: stop that one first, or set DATABASE_URL to PostgreSQL to run several. If pid ${holder} is not homevisit, delete ${path}.`,
      );
    takeOverStale(path, holder);
  }
  throw new ConfigError(`Could not take the lock ${path}: other processes keep taking it. Start one homevisit at a time.`);
}

/** `./data` → `./data.lock`. */
export function lockPathOf(dataDir: string): string {
  const absolute = resolve(dataDir);
  return join(dirname(absolute), `${basename(absolute)}.lock`);
}

function createExclusively(path: string, pid: number): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx", 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  try {
    writeSync(fd, `${pid}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

function readHolder(path: string): number | null {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return null;
  }
  const pid = Number.parseInt(text.trim(), 10);
  // An empty file is a process that died between creating and writing it: stale.
  return Number.isInteger(pid) && pid > 0 ? pid : 0;
}

function isRunning(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Moves the stale lock aside; if what was moved turns out to be a live holder's, it is put back. */
function takeOverStale(path: string, stalePid: number): void {
  const aside = `${path}.stale-${randomUUID()}`;
  try {
    renameSync(path, aside);
  } catch {
    return; // someone else moved it first
  }
  const moved = readHolder(aside);
  if (moved !== null && moved !== stalePid && isRunning(moved)) {
    try {
      renameSync(aside, path);
    } catch {}
    return;
  }
  try {
    unlinkSync(aside);
  } catch {}
}

function releaseIfOurs(path: string, pid: number): void {
  if (readHolder(path) === pid) {
    try {
      unlinkSync(path);
    } catch {}
  }
}
