import { get } from "node:http";
import { type Clock, timeoutSignal } from "../time/clock.js";

/** True when `GET /healthcheck` on the replica answers 200 within `timeoutMs`. */
export function checkHealth(port: number, timeoutMs: number, clock: Clock): Promise<boolean> {
  const { signal, dispose } = timeoutSignal(timeoutMs, { clock });
  return new Promise<boolean>((resolve) => {
    const req = get(
      { host: "127.0.0.1", port, path: "/healthcheck", agent: false, signal },
      (res) => {
        res.resume();
        res.once("end", () => resolve(res.statusCode === 200));
        res.once("error", () => resolve(false));
      },
    );
    req.once("error", () => resolve(false));
  }).finally(dispose);
}
