import { describe, expect, expectTypeOf, it } from "vitest";
import {
  PlanCreateInputSchema,
  PlanFileInfoOutputSchema,
  PlanListInputSchema,
  PlanStatusOutputSchema,
  RESENDABLE_TOOLS,
  SendFeedbackInputSchema,
  TOOLS,
  ToolErrorPayloadSchema,
  type ToolName,
  type ToolOutput,
} from "../../src/tools/schemas/index.js";

const PLAN_ID = "5e2b1c3a-1f2d-4c3b-9a8e-0123456789ab";
const SHA = "a".repeat(64);

/** One success payload per tool, shaped as the contract says the server sends it. */
const SAMPLES: { [N in ToolName]: unknown } = {
  plan_create: { plan_id: PLAN_ID, created_at: "2026-01-01T00:00:00Z", sse_url: "http://x/sse" },
  plan_status: {
    plan_id: PLAN_ID,
    state: "processing",
    progress_percentage: 42.5,
    steps_completed: 3,
    steps_total: 60,
    current_step: "swot",
    timing: { started_at: "2026-01-01T00:00:00Z", elapsed_sec: 12.5 },
    files_count: 1,
    files: [{ path: "001-plan.txt", updated_at: "2026-01-01T00:00:10Z" }],
  },
  plan_stop: { state: "stopped", stop_requested: true },
  plan_retry: {
    plan_id: PLAN_ID,
    state: "pending",
    model_profile: "baseline",
    retried_at: "2026-01-01T00:00:00Z",
  },
  plan_resume: {
    plan_id: PLAN_ID,
    state: "pending",
    model_profile: "premium",
    resume_count: 1,
    resumed_at: "2026-01-01T00:00:00Z",
  },
  plan_file_info: { content_type: "text/html; charset=utf-8", sha256: SHA, download_size: 10 },
  plan_list: {
    plans: [
      {
        plan_id: PLAN_ID,
        state: "completed",
        progress_percentage: 100,
        created_at: "2026-01-01T00:00:00Z",
        prompt_excerpt: "A bakery",
      },
    ],
    message: "1 plan",
  },
  example_prompts: { samples: ["Open a bakery"], message: "ok" },
  example_plans: { plans: [{ title: "t", report_url: "u", zip_url: "z" }], message: "ok" },
  model_profiles: {
    default_profile: "baseline",
    profiles: [
      { profile: "baseline", title: "B", summary: "s", model_count: 1, models: [{ key: "m" }] },
    ],
    message: "ok",
  },
  send_feedback: { feedback_id: "f1", received_at: "2026-01-01T00:00:00Z", message: "thanks" },
};

describe("tool schemas", () => {
  it("cover every tool of the contract", () => {
    expect(Object.keys(TOOLS).sort()).toEqual(
      [
        "example_plans",
        "example_prompts",
        "model_profiles",
        "plan_create",
        "plan_file_info",
        "plan_list",
        "plan_resume",
        "plan_retry",
        "plan_status",
        "plan_stop",
        "send_feedback",
      ].sort(),
    );
  });

  it.each(Object.keys(TOOLS) as ToolName[])(
    "accept %s output and keep new server fields",
    (name) => {
      const sample = SAMPLES[name] as Record<string, unknown>;
      const parsed = TOOLS[name].output.parse({ ...sample, added_by_a_newer_server: 1 });
      expect(parsed).toMatchObject(sample);
      expect(parsed).toHaveProperty("added_by_a_newer_server", 1);
    },
  );

  it.each(Object.keys(TOOLS) as ToolName[])("reject %s output missing its fields", (name) => {
    expect(TOOLS[name].output.safeParse({}).success).toBe(false);
  });

  it("tell a not-ready file from a ready one", () => {
    expect(PlanFileInfoOutputSchema.parse({ ready: false, reason: "still running" })).toEqual({
      ready: false,
      reason: "still running",
    });
    expect(
      PlanFileInfoOutputSchema.safeParse({ content_type: "x", sha256: "nothex" }).success,
    ).toBe(false);
  });

  it("reject a status with an unknown state", () => {
    const bad = { ...(SAMPLES.plan_status as object), state: "exploded" };
    expect(PlanStatusOutputSchema.safeParse(bad).success).toBe(false);
  });

  it("fill the server's defaults into inputs", () => {
    expect(PlanCreateInputSchema.parse({ prompt: "p" })).toEqual({
      prompt: "p",
      model_profile: "baseline",
    });
    expect(PlanListInputSchema.parse({})).toEqual({ limit: 10 });
    expect(TOOLS.plan_file_info.input.parse({ plan_id: PLAN_ID })).toEqual({
      plan_id: PLAN_ID,
      artifact: "report",
    });
  });

  it("reject inputs the server would reject", () => {
    expect(PlanCreateInputSchema.safeParse({ prompt: 42 }).success).toBe(false);
    expect(PlanCreateInputSchema.safeParse({ prompt: "p", model_profile: "gold" }).success).toBe(
      false,
    );
    expect(
      PlanCreateInputSchema.safeParse({ prompt: "p", start_date: "2026-03-01T09:00:00+01:00" })
        .success,
    ).toBe(true);
    expect(PlanListInputSchema.safeParse({ limit: 51 }).success).toBe(false);
    expect(
      SendFeedbackInputSchema.safeParse({ category: "mcp", message: "m", rating: 6 }).success,
    ).toBe(false);
    expect(TOOLS.plan_status.input.safeParse({}).success).toBe(false);
  });

  it("accept what PlanExe accepts: any prompt and start_date string, any feedback category, an empty message", () => {
    // tool_http_bridge.py plan_create: `prompt: str`, `start_date: Optional[str]` (not parsed).
    expect(PlanCreateInputSchema.safeParse({ prompt: "" }).success).toBe(true);
    expect(PlanCreateInputSchema.safeParse({ prompt: "p", start_date: "tomorrow" }).success).toBe(
      true,
    );
    // tool_http_bridge.py send_feedback: `category: str`, `message: str`.
    expect(
      SendFeedbackInputSchema.safeParse({ category: "feature-request", message: "" }).success,
    ).toBe(true);
    // Not an input over HTTP: PlanExe fills it from the request's own key; unknown fields are dropped.
    expect(
      PlanCreateInputSchema.parse({ prompt: "p", user_api_key: "pex_other" }),
    ).not.toHaveProperty("user_api_key");
  });

  it("parse the tool-error payload and keep details", () => {
    const payload = { error: { code: "PLAN_NOT_FOUND", message: "nope", details: { id: 1 } } };
    expect(ToolErrorPayloadSchema.parse(payload)).toEqual(payload);
    expect(ToolErrorPayloadSchema.safeParse({ error: { message: "no code" } }).success).toBe(false);
  });

  it("mark which tools the transport may resend on its own", () => {
    expect([...RESENDABLE_TOOLS]).not.toContain("plan_retry");
    expect([...RESENDABLE_TOOLS]).not.toContain("plan_resume");
    expect([...RESENDABLE_TOOLS]).toContain("plan_create");
    expect(TOOLS.plan_status.readOnly).toBe(true);
    expect(TOOLS.plan_stop.idempotent).toBe(true);
    expect(TOOLS.example_prompts.free).toBe(true);
  });

  it("infer output types from the schemas", () => {
    expectTypeOf<ToolOutput<"plan_create">["plan_id"]>().toEqualTypeOf<string>();
    expectTypeOf<ToolOutput<"plan_create">["deduplicated"]>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<ToolOutput<"plan_status">["state"]>().toEqualTypeOf<
      "pending" | "processing" | "completed" | "failed" | "stopped"
    >();
  });
});
