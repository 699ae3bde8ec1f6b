import { createHmac, timingSafeEqual } from "node:crypto";

/** How long a download URL stays valid. */
export const DOWNLOAD_TTL_MS = 15 * 60_000;

function sign(secret: string, planId: string, fileName: string, expiresAt: number): string {
  return createHmac("sha256", secret)
    .update(`${planId}/${fileName}/${expiresAt}`)
    .digest("base64url");
}

/** A signed `?token=` for one file of one plan, valid until `expiresAt` (ms since the epoch). */
export function createDownloadToken(
  secret: string,
  planId: string,
  fileName: string,
  expiresAt: number,
): string {
  return `${expiresAt}.${sign(secret, planId, fileName, expiresAt)}`;
}

/** True when `token` was signed for this plan and file and has not expired at `now`. */
export function verifyDownloadToken(
  secret: string,
  planId: string,
  fileName: string,
  token: string,
  now: number,
): boolean {
  const match = /^(\d{1,16})\.([A-Za-z0-9_-]+)$/.exec(token);
  if (!match) return false;
  const expiresAt = Number(match[1]);
  if (now >= expiresAt) return false;
  const expected = Buffer.from(sign(secret, planId, fileName, expiresAt));
  const given = Buffer.from(match[2] as string);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
