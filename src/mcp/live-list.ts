import type { ServerSession } from "../client.js";
import { ErrorCode, isPlanExeError } from "../errors/index.js";
import { type Clock, sleep } from "../time/clock.js";
import type { ServerToolList } from "../tools/server-tools.js";

/** The first pause between two tries at PlanExe's list, in ms (doubling). */
const FIRST_PAUSE_MS = 5_000;
/** The longest pause between two tries, in ms. */
const MAX_PAUSE_MS = 60_000;

/**
 * PlanExe's own tool list and instructions, asked until it answers: each try waits
 * out an outage under the client's retry policy (one shared health probe, no
 * request while PlanExe is down), and a try that gives up is followed by another
 * after a pause. Rejects only when `signal` aborts or PlanExe refuses the key (a
 * restart with another key is needed; the built-in list keeps serving).
 */
export async function firstToolList(
  session: ServerSession,
  deps: { clock: Clock; signal: AbortSignal; log: (line: string) => void },
): Promise<ServerToolList> {
  const { clock, signal, log } = deps;
  for (let attempt = 0; ; attempt++) {
    try {
      return await session.listTools(signal);
    } catch (error) {
      if (signal.aborted) throw error;
      const code = isPlanExeError(error) ? error.code : "LOCAL_ERROR";
      if (code === ErrorCode.AUTH_FAILED) {
        log("PlanExe refused the API key: serving the built-in tool list");
        throw error;
      }
      const pauseMs = Math.min(MAX_PAUSE_MS, FIRST_PAUSE_MS * 2 ** attempt);
      log(
        `PlanExe's tool list is not available yet (${code}): serving the built-in list, trying again in ${pauseMs / 1000} s`,
      );
      await sleep(pauseMs, { clock, signal });
    }
  }
}
