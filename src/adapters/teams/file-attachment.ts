import { z } from "zod";
import type { RegisterFile } from "../../app/attendance/import-register.js";
import type { InboundActivity } from "./inbound.js";

/**
 * A file attached to a message: in a 1:1 chat Teams sends `application/vnd.microsoft.teams.file.download.info`
 * with a short-lived, pre-authorised `content.downloadUrl`; other clients send the file's type with a
 * `contentUrl`. Cards and Teams' own HTML rendering of the message are not files.
 */
const attachmentSchema = z.looseObject({
  contentType: z.string(),
  contentUrl: z.string().nullish(),
  name: z.string().nullish(),
  content: z.looseObject({ downloadUrl: z.string().nullish(), fileType: z.string().nullish() }).nullish(),
});

const NOT_FILES = /^(text\/html|application\/vnd\.microsoft\.card\.)/;

/** The first file on the activity, downloaded only when the person may import it. */
export function fileFromActivity(activity: InboundActivity): (() => Promise<RegisterFile | null>) | undefined {
  const parsed = z.array(attachmentSchema).safeParse((activity as Record<string, unknown>).attachments ?? []);
  const file = (parsed.success ? parsed.data : []).find(
    (a) => !NOT_FILES.test(a.contentType) && (a.content?.downloadUrl || a.contentUrl),
  );
  if (!file) return undefined;
  const url = file.content?.downloadUrl ?? file.contentUrl ?? "";
  const name = file.name ?? `attachment.${file.content?.fileType ?? "csv"}`;
  return async () => ({
    name,
    read: async () => {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`downloading ${name} answered HTTP ${response.status}`);
      return response.text();
    },
  });
}
