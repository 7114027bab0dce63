import type { App } from "@slack/bolt";
import { z } from "zod";
import type { RegisterFile } from "../../app/attendance/import-register.js";

type Client = App["client"];

/** The parts of a shared file homevisit reads (files.info, or a file_share event's `files`). */
const fileSchema = z.looseObject({
  id: z.string(),
  name: z.string().nullish(),
  filetype: z.string().nullish(),
  size: z.number().nullish(),
  url_private_download: z.string().nullish(),
  url_private: z.string().nullish(),
  created: z.number().nullish(),
});

/** A register is a few megabytes; anything far bigger is not one. */
const MAX_BYTES = 64 * 1024 * 1024;
/** `/homevisit attendance` reads the newest CSV the person shared in that conversation this long ago at most. */
const RECENT_SECONDS = 15 * 60;

/** The first file of a message event (file_share), read on demand through files.info. */
export function fileFromEvent(client: Client, files: unknown): (() => Promise<RegisterFile | null>) | undefined {
  const first = z.array(fileSchema).safeParse(files);
  const file = first.success ? first.data[0] : undefined;
  if (!file) return undefined;
  return () => download(client, file.id);
}

/** For `/homevisit attendance`: the newest CSV this person shared in this conversation in the last 15 minutes. */
export function recentFile(client: Client, user: string, channel: string): () => Promise<RegisterFile | null> {
  return async () => {
    const listed = await client.files.list({
      user,
      channel,
      ts_from: String(Math.floor(Date.now() / 1000) - RECENT_SECONDS),
      count: 5,
    });
    const files = z.array(fileSchema).safeParse(listed.files ?? []);
    const csv = (files.success ? files.data : [])
      .filter((f) => f.filetype === "csv" || /\.csv$/i.test(f.name ?? ""))
      .sort((a, b) => (b.created ?? 0) - (a.created ?? 0))[0];
    return csv ? download(client, csv.id) : null;
  };
}

/** files.info for the file's private URL, then the file itself with the bot token (Slack's files API). */
async function download(client: Client, id: string): Promise<RegisterFile> {
  const info = await client.files.info({ file: id });
  const file = fileSchema.parse(info.file);
  const url = file.url_private_download ?? file.url_private;
  if (!url) throw new Error(`files.info gave no url_private for ${id}`);
  const name = file.name ?? `${id}.csv`;
  return {
    name,
    read: async () => {
      if ((file.size ?? 0) > MAX_BYTES) throw new Error(`${name} is over ${MAX_BYTES / 1024 / 1024} MB`);
      const response = await fetch(url, { headers: { authorization: `Bearer ${client.token ?? ""}` } });
      if (!response.ok) throw new Error(`downloading ${name} answered HTTP ${response.status}`);
      return response.text();
    },
  };
}
