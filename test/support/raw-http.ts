import { request } from "node:http";
import { connect } from "node:net";

export interface HeldRequest {
  /** Sends the last byte: the request is complete and the server may answer it. */
  finish(): void;
  /** The status code and body the server answered, or the socket error (a reset) it met. */
  answer: Promise<{ status: number; body: string } | { error: string }>;
}

/**
 * One HTTP/1.1 request written by hand, all but its last byte: the server has accepted it and is
 * reading its body, so it is in flight, and it stays so until finish(). Never finished, it is a
 * half-sent request, as a slow or broken client leaves one.
 */
export function holdRequest(url: string, path: string, headers: Record<string, string>, body: string): HeldRequest {
  const target = new URL(url);
  const socket = connect(Number(target.port), target.hostname);
  const payload = Buffer.from(body, "utf8");
  const head = [
    `POST ${path} HTTP/1.1`,
    `host: ${target.host}`,
    "connection: close",
    `content-length: ${payload.length}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    "",
    "",
  ].join("\r\n");
  const whole = Buffer.concat([Buffer.from(head), payload]);
  socket.write(whole.subarray(0, whole.length - 1));
  let received = "";
  socket.on("data", (chunk) => {
    received += chunk.toString("utf8");
  });
  const answer = new Promise<{ status: number; body: string } | { error: string }>((resolve) => {
    socket.on("error", (error) => resolve({ error: (error as NodeJS.ErrnoException).code ?? error.message }));
    socket.on("close", () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0);
      if (!status) resolve({ error: received ? "malformed answer" : "closed without an answer" });
      else resolve({ status, body: received.slice(received.indexOf("\r\n\r\n") + 4) });
    });
  });
  return { finish: () => socket.write(whole.subarray(whole.length - 1)), answer };
}

/** A GET that answers its status code; unlike fetch, it sends the Host header it is given. */
export function rawGet(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}
