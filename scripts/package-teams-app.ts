/**
 * `npm run teams:package`: zips manifests/teams/{manifest.json, color.png, outline.png} into
 * manifests/teams/homevisit-teams.zip, the file you upload in Teams (Apps > Manage your apps >
 * Upload an app) or in the Developer Portal.
 *
 *   TEAMS_APP_ID=<guid>  the app's id in Teams (manifest "id"); default: the placeholder in the file
 *   BOT_ID=<guid>        the bot's Microsoft App ID, i.e. CLIENT_ID (bots[0].botId, webApplicationInfo.id);
 *                        falls back to CLIENT_ID
 *   --icons              (re)draws color.png (192×192) and outline.png (32×32) first
 *
 * The manifest is validated against the v1.29 schema vendored in manifests/schemas.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { crc32, deflateSync } from "node:zlib";
import { zipSync } from "fflate";

export const TEAMS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../manifests/teams");
/** The official schema, kept in the repository (manifests/schemas/README.md says where from). */
export const TEAMS_SCHEMA = resolve(TEAMS_DIR, "../schemas/teams-manifest-v1.29.schema.json");
export const PLACEHOLDER_ID = "00000000-0000-0000-0000-000000000000";
const GUID = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;

type Rgba = [number, number, number, number];

/** A PNG (8-bit RGBA, no interlace) from a pixel function, written with node:zlib only. */
export function pngImage(width: number, height: number, pixel: (x: number, y: number) => Rgba): Buffer {
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 4 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const [r, g, b, a] = pixel(x, y);
      raw.set([r, g, b, a], row + 1 + x * 4);
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type 6 (RGBA), deflate, no filter, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** Width and height from a PNG's IHDR. */
export function pngSize(png: Uint8Array): { width: number; height: number; colourType: number } {
  const buffer = Buffer.from(png);
  if (buffer.toString("latin1", 12, 16) !== "IHDR") throw new Error("not a PNG");
  return { width: buffer.readUInt32BE(16), height: buffer.readUInt32BE(20), colourType: buffer[25] ?? -1 };
}

/**
 * The homevisit mark: a house with a door, in unit coordinates (0..1). `inside` says whether a
 * point is in the shape, `edge` whether it is within `stroke` of its outline.
 */
function house(u: number, v: number): "roof" | "wall" | "door" | null {
  const roofTop = 0.2;
  const eaves = 0.47;
  if (v >= roofTop && v < eaves) {
    const half = ((v - roofTop) / (eaves - roofTop)) * 0.36;
    if (Math.abs(u - 0.5) <= half) return "roof";
  }
  if (v >= eaves && v <= 0.8 && u >= 0.24 && u <= 0.76) {
    if (u >= 0.44 && u <= 0.56 && v >= 0.6) return "door";
    return "wall";
  }
  return null;
}

/** Averages a shape over n×n samples per pixel, for smooth edges. */
function supersample(size: number, x: number, y: number, cover: (u: number, v: number) => boolean, n = 4): number {
  let hits = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) if (cover((x + (i + 0.5) / n) / size, (y + (j + 0.5) / n) / size)) hits++;
  return hits / (n * n);
}

/** color.png: 192×192, a white house on the accent colour (Teams shows it on its own background). */
export function drawColorIcon(size = 192): Buffer {
  const accent: Rgba = [0x1f, 0x6f, 0x5c, 255];
  return pngImage(size, size, (x, y) => {
    const white = supersample(size, x, y, (u, v) => {
      const part = house(u, v);
      return part === "roof" || part === "wall";
    });
    const mix = (a: number, b: number) => Math.round(a * (1 - white) + b * white);
    return [mix(accent[0], 255), mix(accent[1], 255), mix(accent[2], 255), 255];
  });
}

/** outline.png: 32×32, a white house outline on a transparent background, as Teams requires. */
export function drawOutlineIcon(size = 32): Buffer {
  const stroke = 1.6 / size;
  const inShape = (u: number, v: number) => house(u, v) !== null && house(u, v) !== "door";
  return pngImage(size, size, (x, y) => {
    const alpha = supersample(size, x, y, (u, v) => {
      if (!inShape(u, v)) return false;
      // On the outline: some point within `stroke` is outside the shape.
      return !inShape(u - stroke, v) || !inShape(u + stroke, v) || !inShape(u, v - stroke) || !inShape(u, v + stroke);
    });
    return [255, 255, 255, Math.round(alpha * 255)];
  });
}

export interface ManifestIds {
  appId?: string;
  botId?: string;
}

/** The manifest with the ids filled in; each must be a GUID. */
export function withIds(manifest: Record<string, unknown>, ids: ManifestIds): Record<string, unknown> {
  for (const [name, value] of Object.entries(ids))
    if (value !== undefined && !GUID.test(value)) throw new Error(`${name} must be a GUID, got "${value}"`);
  const out = structuredClone(manifest) as Record<string, unknown> & {
    bots?: { botId: string }[];
    webApplicationInfo?: { id: string };
  };
  if (ids.appId) out.id = ids.appId;
  if (ids.botId) {
    for (const bot of out.bots ?? []) bot.botId = ids.botId;
    if (out.webApplicationInfo) out.webApplicationInfo.id = ids.botId;
  }
  return out;
}

/** What is wrong with `manifest` against the Teams manifest schema v1.29 (draft-04); empty when valid. */
export async function validateManifest(manifest: unknown): Promise<string[]> {
  // Both are CommonJS: under ESM their default export may arrive wrapped once more.
  const unwrap = <T>(mod: { default: unknown }) => ((mod.default as { default?: T }).default ?? mod.default) as T;
  const Ajv = unwrap<new (options: object) => AjvLike>(await import("ajv-draft-04"));
  const addFormats = unwrap<(ajv: AjvLike) => unknown>(await import("ajv-formats"));
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(TEAMS_SCHEMA, "utf8")));
  if (validate(manifest)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""}`);
}

interface AjvLike {
  compile(schema: unknown): ((data: unknown) => boolean) & { errors?: { instancePath: string; message?: string }[] | null };
}

export interface PackageOptions {
  dir?: string;
  out?: string;
  ids?: ManifestIds;
  icons?: boolean;
}

/** Writes the zip; returns where, and the manifest that went in. */
export async function packageTeamsApp(options: PackageOptions = {}) {
  const dir = options.dir ?? TEAMS_DIR;
  const out = options.out ?? join(dir, "homevisit-teams.zip");
  if (options.icons || !existsSync(join(dir, "color.png")) || !existsSync(join(dir, "outline.png"))) {
    writeFileSync(join(dir, "color.png"), drawColorIcon());
    writeFileSync(join(dir, "outline.png"), drawOutlineIcon());
  }
  const manifest = withIds(JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")), options.ids ?? {});
  const errors = await validateManifest(manifest);
  if (errors.length) throw new Error(`manifest.json does not match the Teams schema v1.29:\n${errors.join("\n")}`);
  const zip = zipSync({
    "manifest.json": new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`),
    "color.png": readFileSync(join(dir, "color.png")),
    "outline.png": readFileSync(join(dir, "outline.png")),
  });
  writeFileSync(out, zip);
  return { out, manifest };
}

async function main(): Promise<void> {
  const env = process.env;
  const ids: ManifestIds = { appId: env.TEAMS_APP_ID || undefined, botId: env.BOT_ID || env.CLIENT_ID || undefined };
  const { out, manifest } = await packageTeamsApp({ ids, icons: process.argv.includes("--icons") });
  console.log(`Teams app package: ${out}`);
  console.log(`  app id ${manifest.id}${manifest.id === PLACEHOLDER_ID ? " (placeholder: set TEAMS_APP_ID)" : ""}`);
  const botId = (manifest.bots as { botId: string }[] | undefined)?.[0]?.botId;
  console.log(`  bot id ${botId}${botId === PLACEHOLDER_ID ? " (placeholder: set BOT_ID or CLIENT_ID)" : ""}`);
  console.log("  valid against the Teams manifest schema v1.29");
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(`teams:package failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
