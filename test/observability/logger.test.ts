import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { runWithLogContext } from "../../src/observability/log-context.js";
import { createLogger } from "../../src/observability/logger.js";
import { PrismaClientKnownRequestError } from "../../src/persistence/generated/internal/prismaNamespace.js";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, log: createLogger({ level: "debug", format: "json" }, stream) };
}

describe("the log", () => {
  it("is JSON lines with time, level, the request and visit of the work, and never the code word or personal details", () => {
    const { lines, log } = capture();
    runWithLogContext({ requestId: "req-1" }, () =>
      runWithLogContext({ visitId: "HV-ABC12" }, () =>
        log.info("reply handled", {
          codeWord: "pineapple",
          text: "ok I am at 14 Acacia Avenue",
          request: { pupil: { name: "Jamie Lee Smith" }, address: "14 Acacia Avenue", lead: { mobile: "07700 900105" } },
          detail: { values: { reason: "free text" }, note: "more text" },
          outbox: "row-1",
        }),
      ),
    );
    const [line] = lines;
    expect(line).toMatchObject({ level: 30, msg: "reply handled", requestId: "req-1", visitId: "HV-ABC12", outbox: "row-1" });
    expect(typeof line?.time).toBe("string");
    const text = JSON.stringify(line);
    for (const secret of ["pineapple", "Acacia", "Jamie", "07700", "free text", "more text"]) expect(text).not.toContain(secret);
  });

  it("keeps an error's stack, and folds a Prisma error (without its code frame) onto one line", () => {
    const { lines, log } = capture();
    log.error("failed", { err: new Error("boom") });
    const logged = lines[0]?.err as { stack?: string } | undefined;
    expect(String(logged?.stack)).toMatch(/boom\n\s+at /);
    const prisma = new PrismaClientKnownRequestError(
      "\nInvalid `prisma.visit.update()` invocation:\n\n  1 update\n→ 2 where\n\nRecord not found",
      {
        code: "P2025",
        clientVersion: "7.10.0",
      },
    );
    log.error("failed", { err: prisma });
    expect(lines[1]?.err).toEqual({
      type: "PrismaClientKnownRequestError",
      code: "P2025",
      message: "Invalid `prisma.visit.update()` invocation: Record not found",
    });
  });
});
