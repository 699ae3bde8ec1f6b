import { usageError } from "../exit-codes.js";
import { isPlanId } from "./plan-ref.js";

/** The one positional plan id of `status`, `stop`, …, or a usage error. */
export function requirePlanIdArg(command: string, positionals: string[]): string {
  if (positionals.length !== 1) throw usageError(command, "expected one plan id");
  const id = (positionals[0] ?? "").trim();
  if (!isPlanId(id)) throw usageError(command, "that is not a plan id (a UUID like 3f2a…-…)");
  return id;
}

const PROFILES = ["baseline", "premium", "frontier", "custom"] as const;
/** A PlanExe model profile. */
export type Profile = (typeof PROFILES)[number];

/** `--profile` checked against the contract's profiles. */
export function parseProfile(command: string, value: string | undefined): Profile | undefined {
  if (value === undefined) return undefined;
  if ((PROFILES as readonly string[]).includes(value)) return value as Profile;
  throw usageError(command, `--profile must be one of ${PROFILES.join(", ")}`);
}
