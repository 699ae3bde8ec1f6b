/**
 * The pipeline steps a plan goes through, in order (a short version of PlanExe's
 * pipeline). Each finished step writes one file, `NNN-<step>.md`.
 */
export const PLAN_STEPS: readonly string[] = [
  "start_time",
  "setup",
  "redline_gate",
  "premise_attack",
  "identify_purpose",
  "plan_type",
  "potential_levers",
  "select_scenario",
  "physical_locations",
  "currency_strategy",
  "identify_risks",
  "make_assumptions",
  "pre_project_assessment",
  "project_plan",
  "governance",
  "team",
  "swot",
  "wbs",
  "schedule",
  "report",
];

/** The file a finished step leaves behind. */
export function stepFileName(stepIndex: number): string {
  const name = PLAN_STEPS[stepIndex] ?? `step_${stepIndex + 1}`;
  return `${String(stepIndex + 1).padStart(3, "0")}-${name}.md`;
}

/** Progress of a plan that finished `stepsCompleted` steps: 0–100, one decimal. */
export function stepProgress(stepsCompleted: number): number {
  const total = PLAN_STEPS.length;
  return Math.round((Math.min(stepsCompleted, total) / total) * 1000) / 10;
}
