import { z } from "zod";

export interface WondeSettings {
  token: string;
  schoolId: string;
  /** https://api.wonde.com/v1.0/ (UK), or the school's regional domain. */
  apiUrl: string;
}

/** Wonde answered, in the end, with something other than the data (after the retries). */
export class WondeError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "WondeError";
  }
}

/** A Wonde list page: `data`, and `meta.pagination.next` (a full URL) while there are more. */
const pageSchema = z.looseObject({
  data: z.array(z.unknown()),
  meta: z.looseObject({ pagination: z.looseObject({ next: z.string().nullish() }).nullish() }).nullish(),
});

export interface FetchOptions {
  /** Waits between retries (tests pass a fast one). */
  sleep?: (ms: number) => Promise<void>;
  /** 429s and 5xx answers tried again this many times before giving up. */
  retries?: number;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Every item of a Wonde list, page after page (`meta.pagination.next`), with the bearer token. A 429
 * waits as long as its Retry-After says (at most a minute) and tries again; a 5xx or a network failure
 * backs off 1, 2, 4… seconds; after `retries` it gives up with a WondeError, and nothing half-read is used.
 */
export async function fetchAll(
  settings: WondeSettings,
  path: string,
  query: Record<string, string>,
  options: FetchOptions = {},
): Promise<unknown[]> {
  const base = settings.apiUrl.endsWith("/") ? settings.apiUrl : `${settings.apiUrl}/`;
  let url: string | null = `${base}schools/${encodeURIComponent(settings.schoolId)}/${path}?${new URLSearchParams(query)}`;
  const items: unknown[] = [];
  while (url) {
    const page = pageSchema.safeParse(await getJson(settings, url, options));
    if (!page.success) throw new WondeError(`Wonde's answer to ${path} is not a list page`);
    items.push(...page.data.data);
    url = page.data.meta?.pagination?.next || null;
  }
  return items;
}

async function getJson(settings: WondeSettings, url: string, options: FetchOptions): Promise<unknown> {
  const sleep = options.sleep ?? sleepFor;
  const retries = options.retries ?? 5;
  for (let attempt = 0; ; attempt++) {
    let response: Response;
    try {
      response = await fetch(url, { headers: { authorization: `Bearer ${settings.token}`, accept: "application/json" } });
    } catch (error) {
      if (attempt >= retries) throw new WondeError(`Wonde could not be reached: ${(error as Error).message}`);
      await sleep(1000 * 2 ** attempt);
      continue;
    }
    if (response.ok) return response.json();
    const status = response.status;
    await response.body?.cancel().catch(() => undefined);
    if (status === 401 || status === 403)
      throw new WondeError(
        `Wonde refused the token (HTTP ${status}): check WONDE_TOKEN, and that the school approved access`,
        status,
      );
    if ((status === 429 || status >= 500) && attempt < retries) {
      const after = Number(response.headers.get("retry-after"));
      await sleep(status === 429 && Number.isFinite(after) && after > 0 ? Math.min(after, 60) * 1000 : 1000 * 2 ** attempt);
      continue;
    }
    throw new WondeError(`Wonde answered HTTP ${status} for ${new URL(url).pathname}`, status);
  }
}
