import pino, { type DestinationStream, type Logger as PinoLogger } from "pino";
import pretty from "pino-pretty";
import type { Logger } from "../app/app-context.js";
import { currentLogContext } from "./log-context.js";
import { REDACTED, redactPaths } from "./redaction.js";

export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

export interface LogSettings {
  level: LogLevel;
  /** json: one JSON object per line (production); pretty: coloured lines for a person (development). */
  format: "json" | "pretty";
}

/** Our Logger over pino, with debug and child; the lines carry the request and visit of the work running. */
export interface AppLogger extends Logger {
  debug(message: string, detail?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): AppLogger;
}

/**
 * The process's logger: pino, JSON lines or pino-pretty, redaction configured once, Error objects
 * with their stack (a Prisma error folded onto one line), and the AsyncLocalStorage fields
 * (requestId, visitId) on every line.
 */
export function createLogger(settings: LogSettings, destination?: DestinationStream): AppLogger {
  const options: pino.LoggerOptions = {
    level: settings.level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: redactPaths, censor: REDACTED },
    serializers: { err: serializeError, error: serializeError },
    mixin: () => currentLogContext(),
  };
  const stream =
    destination ??
    (settings.format === "pretty"
      ? pretty({ colorize: process.stdout.isTTY ?? false, sync: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" })
      : pino.destination({ dest: 1, sync: true }));
  return wrap(pino(options, stream));
}

function wrap(pinoLogger: PinoLogger): AppLogger {
  const line = (level: "debug" | "info" | "warn" | "error") => (message: string, detail?: Record<string, unknown>) => {
    if (detail) pinoLogger[level](detail, message);
    else pinoLogger[level](message);
  };
  return {
    debug: line("debug"),
    info: line("info"),
    warn: line("warn"),
    error: line("error"),
    child: (fields) => wrap(pinoLogger.child(fields)),
  };
}

/** Errors keep their stack; Prisma's multi-line messages (with their code frame) become one line. */
export function serializeError(value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  const name = value.constructor?.name ?? value.name;
  if (name.startsWith("PrismaClient") || "clientVersion" in value) {
    const code = (value as { code?: unknown }).code;
    return { type: name, ...(code ? { code } : {}), message: oneLine(value.message) };
  }
  return pino.stdSerializers.err(value);
}

function oneLine(text: string): string {
  return text
    .split("\n")
    .map((part) => part.trim())
    .filter((part) => part && !/^→?\s*\d+\s/.test(part))
    .join(" ")
    .slice(0, 2000);
}
