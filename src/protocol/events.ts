import { z } from "zod";

/** Plan states as PlanExe reports them. */
export const PlanStateSchema = z.enum(["pending", "processing", "completed", "failed", "stopped"]);
export type PlanState = z.infer<typeof PlanStateSchema>;

/** States after which a plan never changes again (until a retry or resume starts a new run). */
const TERMINAL_STATES: ReadonlySet<PlanState> = new Set(["completed", "failed", "stopped"]);

/** True when `state` is `completed`, `failed` or `stopped`. */
export function isTerminalState(state: PlanState): boolean {
  return TERMINAL_STATES.has(state);
}

/** `data` of `event: status`: a full snapshot of the plan. Unknown fields are kept. */
export const StatusEventDataSchema = z.looseObject({
  plan_id: z.string(),
  state: PlanStateSchema,
  progress_percentage: z.number(),
  elapsed_sec: z.number(),
});

/** `data` of `event: complete`: the final snapshot, with `error` when the plan failed. */
export const CompleteEventDataSchema = z.looseObject({
  plan_id: z.string(),
  state: PlanStateSchema,
  progress_percentage: z.number(),
  elapsed_sec: z.number(),
  error: z.looseObject({ code: z.string(), message: z.string() }).optional(),
});

/** `data` of `event: heartbeat`, sent after 20 s without a status. */
const HeartbeatEventDataSchema = z.looseObject({ timestamp: z.string() });

/** `data` of `event: error` (`PLAN_NOT_FOUND`, `SSE_TIMEOUT`); the stream closes after it. */
const ErrorEventDataSchema = z.looseObject({ code: z.string(), message: z.string() });
export type ErrorEventData = z.infer<typeof ErrorEventDataSchema>;
