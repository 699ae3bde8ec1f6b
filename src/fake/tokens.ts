import { createHmac, timingSafeEqual } from "node:crypto";

/** How long a download URL stays valid. */
export const DOWNLOAD_TTL_MS = 15 * 60_000;

function sign(secret: string, planId: string, fileName: string, expiresAtSec: number): string {
  return createHmac("sha256", secret).update(`${planId}/${fileName}/${expiresAtSec}`).digest("hex");
}

/**
 * A signed `?token=` for one file of one plan, valid until `expiresAt` (ms since the
 * epoch), shaped as PlanExe's: `<unix expiry seconds>.<hmac hex>`.
 */
export function createDownloadToken(
  secret: string,
  planId: string,
  fileName: string,
  expiresAt: number,
): string {
  const expiresAtSec = Math.floor(expiresAt / 1000);
  return `${expiresAtSec}.${sign(secret, planId, fileName, expiresAtSec)}`;
}

/** True when `token` was signed for this plan and file and has not expired at `now`. */
export function verifyDownloadToken(
  secret: string,
  planId: string,
  fileName: string,
  token: string,
  now: number,
): boolean {
  const match = /^(\d{1,13})\.([0-9a-f]+)$/.exec(token);
  if (!match) return false;
  const expiresAtSec = Number(match[1]);
  if (now >= expiresAtSec * 1000) return false;
  const expected = Buffer.from(sign(secret, planId, fileName, expiresAtSec));
  const given = Buffer.from(match[2] as string);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
