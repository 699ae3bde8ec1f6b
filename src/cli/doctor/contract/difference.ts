/**
 * What a drift does to the client: `breaks` when a call, a resend decision or a
 * watch of the client would go wrong against this server; `info` when the client
 * works but the server is not what it was built for (hosts may show it differently).
 */
export type Effect = "breaks" | "info";

/** One way a live server differs from the contract the client was built for. */
export interface Difference {
  /** What differs: `plan_stop`, `plan_stop destructiveHint`, `plan_status.plan_id`, `stream retry:`. */
  where: string;
  /** What the contract says. */
  contract: string;
  /** What the server says. */
  server: string;
  effect: Effect;
  /** What it means for a user of the client. */
  note: string;
}

export function differs(
  where: string,
  contract: unknown,
  server: unknown,
  effect: Effect,
  note: string,
): Difference {
  return { where, contract: show(contract), server: show(server), effect, note };
}

function show(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined) return "(none)";
  return JSON.stringify(value);
}
