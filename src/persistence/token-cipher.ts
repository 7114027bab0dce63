import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

/** Seals secrets for the database (AES-256-GCM, a random IV each time) and opens them again. */
export interface TokenCipher {
  /** The id of the key new seals use. */
  readonly keyId: string;
  /** "v1.<key id>.<iv>.<tag>.<ciphertext>", base64url parts. */
  seal(plain: string): string;
  /** The plain text; throws when no key here sealed it, or it was altered. */
  open(sealed: string): string;
  /** The id of the key that sealed this. */
  keyIdOf(sealed: string): string;
}

const IV_BYTES = 12;

/** A key's id: a fingerprint, so rows name their key without revealing it. */
export function keyIdOf(key: Buffer): string {
  return createHash("sha256").update("homevisit-token-key").update(key).digest("hex").slice(0, 12);
}

/**
 * `keys[0]` seals; every key opens what it sealed, so a new TOKEN_ENCRYPTION_KEY can come in while
 * the old one (TOKEN_ENCRYPTION_OLD_KEYS) still opens the rows it sealed until they are sealed again.
 */
export function createTokenCipher(keys: readonly Buffer[]): TokenCipher {
  const current = keys[0];
  if (!current || keys.some((key) => key.length !== 32)) throw new Error("token keys must be 32 bytes each");
  const byId = new Map(keys.map((key) => [keyIdOf(key), key]));
  const currentId = keyIdOf(current);
  const parts = (sealed: string) => {
    const [version, keyId, iv, tag, body] = sealed.split(".");
    if (version !== "v1" || !keyId || !iv || !tag || body === undefined) throw new Error("not a sealed token");
    return { keyId, iv: Buffer.from(iv, "base64url"), tag: Buffer.from(tag, "base64url"), body: Buffer.from(body, "base64url") };
  };
  return {
    keyId: currentId,
    seal: (plain) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", current, iv);
      // The key id is bound in: a sealed token moved under another key's id does not open.
      cipher.setAAD(Buffer.from(currentId));
      const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
      const b64 = (bytes: Buffer) => bytes.toString("base64url");
      return ["v1", currentId, b64(iv), b64(cipher.getAuthTag()), b64(body)].join(".");
    },
    open: (sealed) => {
      const { keyId, iv, tag, body } = parts(sealed);
      const key = byId.get(keyId);
      if (!key)
        throw new Error(
          `this token was sealed with key ${keyId}, which is neither TOKEN_ENCRYPTION_KEY nor one of TOKEN_ENCRYPTION_OLD_KEYS`,
        );
      const decipher = createDecipheriv("aes-256-gcm", key, iv);
      decipher.setAAD(Buffer.from(keyId));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
    },
    keyIdOf: (sealed) => parts(sealed).keyId,
  };
}
