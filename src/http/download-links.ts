import { randomBytes } from "node:crypto";
import type { AuditInput } from "../app/ports.js";
import type { Clock } from "../domain/clock.js";
import type { HttpRoutes } from "./http-server.js";

interface Download {
  filename: string;
  contentType: string;
  body: string | Uint8Array;
  expiresAt: number;
  inline: boolean;
  audit: Omit<AuditInput, "at" | "action">;
}

const TTL_MS = 15 * 60_000;

/**
 * Short-lived, unguessable links for exports asked for in chat: chat messages are the wrong place
 * for a spreadsheet of safeguarding records. Links live in memory for 15 minutes; every download
 * is audited. They do not survive a restart, by design.
 */
export class DownloadLinks {
  private readonly downloads = new Map<string, Download>();

  constructor(
    private readonly publicUrl: string,
    private readonly clock: Clock,
    private readonly audit: (entry: AuditInput) => Promise<void>,
  ) {}

  /** Registers `GET /downloads/<token>/<filename>`. */
  register(routes: HttpRoutes): void {
    routes.addPrefix("GET", "/downloads/", async (req, res) => {
      const [, , token] = (req.url ?? "").split("?")[0]?.split("/") ?? [];
      const download = token ? this.downloads.get(token) : undefined;
      if (!download || download.expiresAt < this.clock.now().getTime()) {
        res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
        res.end("This download link has expired. Ask for the export again.");
        return;
      }
      await this.audit({
        ...download.audit,
        at: this.clock.now(),
        action: "export_downloaded",
        detail: { filename: download.filename },
      });
      res.writeHead(200, {
        "content-type": download.contentType,
        "content-disposition": `${download.inline ? "inline" : "attachment"}; filename="${download.filename}"`,
        "cache-control": "no-store",
      });
      res.end(download.body);
    });
  }

  /** Makes a link to a file that expires in 15 minutes. */
  publish(
    filename: string,
    contentType: string,
    body: string | Uint8Array,
    audit: Download["audit"],
    options: { inline?: boolean } = {},
  ): string {
    this.prune();
    const token = randomBytes(24).toString("base64url");
    const expiresAt = this.clock.now().getTime() + TTL_MS;
    this.downloads.set(token, { filename, contentType, body, audit, expiresAt, inline: options.inline ?? false });
    return `${this.publicUrl.replace(/\/$/, "")}/downloads/${token}/${filename}`;
  }

  private prune(): void {
    const now = this.clock.now().getTime();
    for (const [token, download] of this.downloads) if (download.expiresAt < now) this.downloads.delete(token);
  }
}
