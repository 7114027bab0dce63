import { type ChildProcess, spawn } from "node:child_process";

export interface SpawnedApp {
  child: ChildProcess;
  /** Everything it wrote, stdout and stderr. */
  output(): string;
  /** Its URL once it says it is running; rejects if it exits first. */
  url: Promise<string>;
  /** Its exit code (null if killed by a signal), and when it exited (ms since the epoch). */
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

const running: ChildProcess[] = [];

/** Kills whatever a test left running (afterEach). */
export function killSpawned(): void {
  for (const child of running.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
}

/**
 * Starts homevisit as a separate process, the way production does (`node scripts/start.mjs`: the
 * compiled app in the same process), with only the environment given.
 */
export function spawnApp(
  env: Record<string, string>,
  command: { file: string; args: string[]; detached?: boolean } = {
    file: process.execPath,
    args: ["scripts/start.mjs"],
  },
): SpawnedApp {
  const child = spawn(command.file, command.args, {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_FORMAT: "json",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: command.detached ?? false,
  });
  running.push(child);
  let output = "";
  const url = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /running on (http:\/\/[^\s"]+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.on("exit", () => reject(new Error(`exited before starting:\n${output}`)));
  });
  url.catch(() => {});
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  return { child, output: () => output, url, exit };
}
