// Owns which origin an episode speaks for and which URL it probes: both given up front, or
// learnt from the first request seen failing (the probe is then `healthcheckPath` on it).
import { isOnOrigin } from "../http/origin.js";

/** The origin an episode speaks for and the URL it probes, once known. */
export interface ProbeTarget {
  readonly origin: string | undefined;
  readonly probeUrl: URL | undefined;
  /** Whether requests to `url` share the episode (same origin, or none known yet). */
  covers(url: string | URL): boolean;
  /**
   * Whether `url`, seen failing, is on the episode's origin (the first such URL sets the
   * origin, and with it the probe URL when none was given).
   */
  claim(url: string | URL): boolean;
}

export function createProbeTarget(
  probeUrl: string | URL | undefined,
  healthcheckPath: string,
): ProbeTarget {
  let url = probeUrl === undefined ? undefined : new URL(String(probeUrl));
  let origin = url?.origin;
  return {
    get origin() {
      return origin;
    },
    get probeUrl() {
      return url;
    },
    covers(target) {
      return origin === undefined || isOnOrigin(target, origin);
    },
    claim(target) {
      const seen = new URL(String(target));
      if (origin === undefined) origin = seen.origin;
      else if (seen.origin !== origin) return false;
      url ??= new URL(healthcheckPath, origin);
      return true;
    },
  };
}
