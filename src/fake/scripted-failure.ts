import { PLAN_STEPS } from "./steps.js";
import type { PlanFailure, PlanRecord } from "./types.js";

/** A scripted pipeline failure: every plan's first run fails while running step `step` (1-based). */
export interface FailAtStep {
  step: number;
  /** @default "generation_error" */
  failure_reason?: PlanFailure["failure_reason"];
  /** @default "Step <name> failed." */
  message?: string;
  /** @default true */
  recoverable?: boolean;
  /** Fail on every run, not only the first (so retry and resume fail again). @default false */
  everyRun?: boolean;
}

/** The worker's hook: the failure `option` scripts for the step `plan` is about to finish. */
export function scriptedFailure(option: number | FailAtStep | undefined) {
  if (option === undefined) return () => undefined;
  const spec = typeof option === "number" ? { step: option } : option;
  return (plan: PlanRecord) => {
    if (plan.steps_completed !== spec.step - 1 || (plan.run > 0 && !spec.everyRun))
      return undefined;
    return {
      failure_reason: spec.failure_reason ?? "generation_error",
      message: spec.message ?? `Step ${PLAN_STEPS[spec.step - 1] ?? spec.step} failed.`,
      recoverable: spec.recoverable ?? true,
    };
  };
}
