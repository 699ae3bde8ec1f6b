import type { z } from "zod";
import { EmptyInputSchema } from "./common.js";
import { ExamplePlansOutputSchema, ExamplePromptsOutputSchema } from "./examples.js";
import { ModelProfilesOutputSchema } from "./model-profiles.js";
import {
  PlanResumeInputSchema,
  PlanResumeOutputSchema,
  PlanRetryInputSchema,
  PlanRetryOutputSchema,
  PlanStopInputSchema,
  PlanStopOutputSchema,
} from "./plan-control.js";
import { PlanCreateInputSchema, PlanCreateOutputSchema } from "./plan-create.js";
import { PlanFileInfoAnswerSchema, PlanFileInfoInputSchema } from "./plan-file-info.js";
import { PlanListInputSchema, PlanListOutputSchema } from "./plan-list.js";
import { PlanStatusInputSchema, PlanStatusOutputSchema } from "./plan-status.js";
import { SendFeedbackInputSchema, SendFeedbackOutputSchema } from "./send-feedback.js";

/**
 * When a call may be sent again after a failure that leaves its fate unknown
 * (the response was lost after the request may have reached the server):
 * - `always`: read-only or idempotent, a resend changes nothing;
 * - `deduplicated`: the server returns the first result for an identical call (`plan_create`, 600 s);
 * - `confirm`: a resend may answer "already done" (`PLAN_NOT_FAILED`/`PLAN_NOT_RESUMABLE`);
 *   the client confirms with `plan_status` instead of failing. The transport must not resend these itself.
 */
type ResendPolicy = "always" | "deduplicated" | "confirm";

/** What the SDK knows about one PlanExe tool. */
export interface ToolSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  /** Zod schema of the arguments (`.shape` is a raw shape for `McpServer.registerTool`). */
  readonly input: I;
  /** Zod schema of `structuredContent` on success. */
  readonly output: O;
  /** MCP `readOnlyHint`. */
  readonly readOnly: boolean;
  /** MCP `idempotentHint`. */
  readonly idempotent: boolean;
  /** MCP `destructiveHint`. */
  readonly destructive: boolean;
  /** MCP `openWorldHint`. */
  readonly openWorld: boolean;
  /** Works without an API key. */
  readonly free: boolean;
  readonly resend: ResendPolicy;
  /** A one-line description, as a server would list it. */
  readonly description: string;
  /** The `PlanExeClient` method that calls it (named in its misuse errors). */
  readonly method: string;
  /** A call of that method, shown when it is misused. */
  readonly example: string;
}

function spec<I extends z.ZodType, O extends z.ZodType>(value: ToolSpec<I, O>): ToolSpec<I, O> {
  return value;
}

/**
 * How PlanExe annotates the tools that only read (status, files, lists, the free catalog):
 * read-only, so idempotent and never destructive, on PlanExe's own data alone, and safe to
 * send again.
 */
const READER = {
  readOnly: true,
  idempotent: true,
  destructive: false,
  openWorld: false,
  resend: "always",
} as const;

/**
 * plan_retry and plan_resume: each call puts a failed plan back in the queue (not
 * idempotent), so a resend is confirmed with `plan_status` instead.
 */
const REQUEUE = {
  readOnly: false,
  idempotent: false,
  destructive: false,
  openWorld: true,
  free: false,
  resend: "confirm",
} as const;

/**
 * Every PlanExe tool of the contract, by the name the server knows it by, with the
 * annotations PlanExe lists for it (`tools/list`) and, in `input`, the fields it takes.
 * `planexe-client doctor --contract` compares a live server with exactly this.
 */
export const TOOLS = {
  plan_create: spec({
    input: PlanCreateInputSchema,
    output: PlanCreateOutputSchema,
    readOnly: false,
    idempotent: true,
    destructive: false,
    openWorld: true,
    free: false,
    resend: "deduplicated",
    description:
      "Start a new plan from a prompt. An identical prompt + profile within 600 s returns the same plan.",
    method: "createPlan",
    example: 'client.createPlan(prompt, { model_profile: "premium" })',
  }),
  plan_status: spec({
    input: PlanStatusInputSchema,
    output: PlanStatusOutputSchema,
    ...READER,
    free: false,
    description: "State, progress, timing and newest files of a plan.",
    method: "getStatus",
    example: "client.getStatus(planId, { signal })",
  }),
  plan_stop: spec({
    input: PlanStopInputSchema,
    output: PlanStopOutputSchema,
    readOnly: false,
    idempotent: true,
    destructive: true,
    openWorld: false,
    free: false,
    resend: "always",
    description: "Ask a running plan to stop.",
    method: "stopPlan",
    example: "client.stopPlan(planId, { signal })",
  }),
  plan_retry: spec({
    input: PlanRetryInputSchema,
    output: PlanRetryOutputSchema,
    ...REQUEUE,
    description: "Re-run a failed plan from scratch (same plan id, artifacts cleared).",
    method: "retryPlan",
    example: 'client.retryPlan(planId, { model_profile: "premium" })',
  }),
  plan_resume: spec({
    input: PlanResumeInputSchema,
    output: PlanResumeOutputSchema,
    ...REQUEUE,
    description: "Continue a failed plan, keeping the steps it finished.",
    method: "resumePlan",
    example: 'client.resumePlan(planId, { model_profile: "premium" })',
  }),
  plan_file_info: spec({
    input: PlanFileInfoInputSchema,
    // Every answer form, failures reported inside the result included: `getFileInfo` types them.
    output: PlanFileInfoAnswerSchema,
    ...READER,
    free: false,
    description: "Whether a plan's report or zip is ready, with a signed download URL.",
    method: "getFileInfo",
    example: 'client.getFileInfo(planId, { artifact: "zip" })',
  }),
  plan_list: spec({
    input: PlanListInputSchema,
    output: PlanListOutputSchema,
    ...READER,
    free: false,
    description: "The caller's plans, newest first.",
    method: "listPlans",
    example: "client.listPlans({ limit: 20 })",
  }),
  example_prompts: spec({
    input: EmptyInputSchema,
    output: ExamplePromptsOutputSchema,
    ...READER,
    free: true,
    description: "Sample prompts to start from.",
    method: "examplePrompts",
    example: "client.examplePrompts({ signal })",
  }),
  example_plans: spec({
    input: EmptyInputSchema,
    output: ExamplePlansOutputSchema,
    ...READER,
    free: true,
    description: "Finished example plans with report and zip links.",
    method: "examplePlans",
    example: "client.examplePlans({ signal })",
  }),
  model_profiles: spec({
    input: EmptyInputSchema,
    output: ModelProfilesOutputSchema,
    ...READER,
    free: true,
    description: "The model profiles a plan can use, and the default.",
    method: "modelProfiles",
    example: "client.modelProfiles({ signal })",
  }),
  send_feedback: spec({
    input: SendFeedbackInputSchema,
    output: SendFeedbackOutputSchema,
    readOnly: false,
    idempotent: true,
    destructive: false,
    openWorld: false,
    free: false,
    resend: "always",
    description: "Send feedback about PlanExe, a plan, the code or the docs.",
    method: "sendFeedback",
    example: 'client.sendFeedback("plan", "Great plan", { plan_id, rating: 5 })',
  }),
} as const;

/** The name of a PlanExe tool. */
export type ToolName = keyof typeof TOOLS;
/** The arguments after defaults are applied (what a server receives). */
export type ToolParsedInput<N extends ToolName> = z.output<(typeof TOOLS)[N]["input"]>;
/** The validated `structuredContent` of a successful call of `name`. */
export type ToolOutput<N extends ToolName> = z.output<(typeof TOOLS)[N]["output"]>;

/** True for the names of PlanExe tools. */
export function isToolName(name: unknown): name is ToolName {
  return typeof name === "string" && Object.hasOwn(TOOLS, name);
}

/** Tool names that the transport may resend on its own after an ambiguous failure. */
export const RESENDABLE_TOOLS: ReadonlySet<ToolName> = new Set(
  (Object.keys(TOOLS) as ToolName[]).filter((name) => TOOLS[name].resend !== "confirm"),
);

/** The MCP annotations PlanExe lists for a tool, as the contract records them. */
export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

/** The annotations of `name` as the contract records them (what `tools/list` should say). */
export function contractAnnotations(name: ToolName): ToolAnnotations {
  const spec: ToolSpec = TOOLS[name];
  return {
    readOnlyHint: spec.readOnly,
    destructiveHint: spec.destructive,
    idempotentHint: spec.idempotent,
    openWorldHint: spec.openWorld,
  };
}

/**
 * One input field the client's schema of a tool knows: `required` when a caller must
 * give it, `sent` when every call carries it (required, or filled by a default).
 */
export interface InputField {
  name: string;
  required: boolean;
  sent: boolean;
}

/** The input fields of `name`, read from its zod schema (the one source of them). */
export function contractInputFields(name: ToolName): InputField[] {
  const input: z.ZodType = TOOLS[name].input;
  const shape = (input as Partial<z.ZodObject>).shape ?? {};
  return Object.entries(shape).map(([field, schema]) => {
    const omitted = (schema as z.ZodType).safeParse(undefined);
    return {
      name: field,
      required: !omitted.success,
      sent: !omitted.success || omitted.data !== undefined,
    };
  });
}
