import { describe, expectTypeOf, it } from "vitest";
import type {
  ConfirmedRerun,
  DownloadedArtifact,
  DownloadTarget,
  PlanCreateOutput,
  PlanExeClient,
  PlanFileInfoOutput,
  PlanState,
  PlanStatusOutput,
} from "../../src/index.js";

declare const client: PlanExeClient;

describe("PlanExeClient types (inferred from the zod schemas)", () => {
  it("createPlan takes a prompt and the server's option names", () => {
    expectTypeOf(client.createPlan).parameter(0).toEqualTypeOf<string>();
    expectTypeOf(client.createPlan)
      .parameter(1)
      .exclude<undefined>()
      .toHaveProperty("model_profile")
      .toEqualTypeOf<"baseline" | "premium" | "frontier" | "custom" | undefined>();
    expectTypeOf(client.createPlan).returns.resolves.toEqualTypeOf<PlanCreateOutput>();
    expectTypeOf<PlanCreateOutput["plan_id"]>().toEqualTypeOf<string>();
    expectTypeOf<PlanCreateOutput["deduplicated"]>().toEqualTypeOf<boolean | undefined>();
  });

  it("getStatus returns the contract's plan_status fields", () => {
    expectTypeOf(client.getStatus).returns.resolves.toEqualTypeOf<PlanStatusOutput>();
    expectTypeOf<PlanStatusOutput["state"]>().toEqualTypeOf<PlanState>();
    expectTypeOf<PlanStatusOutput["progress_percentage"]>().toEqualTypeOf<number>();
    expectTypeOf<PlanStatusOutput["timing"]["elapsed_sec"]>().toEqualTypeOf<number>();
    expectTypeOf<PlanStatusOutput["files"][number]["path"]>().toEqualTypeOf<string>();
    expectTypeOf<NonNullable<PlanStatusOutput["error"]>["recoverable"]>().toEqualTypeOf<
      boolean | undefined
    >();
  });

  it("every method takes { signal }", () => {
    expectTypeOf(client.getStatus)
      .parameter(1)
      .toMatchTypeOf<{ signal?: AbortSignal | undefined } | undefined>();
    expectTypeOf(client.listPlans)
      .parameter(0)
      .toMatchTypeOf<
        { signal?: AbortSignal | undefined; limit?: number | undefined } | undefined
      >();
    expectTypeOf(client.download)
      .parameter(1)
      .toMatchTypeOf<
        { signal?: AbortSignal | undefined; artifact?: "report" | "zip" | undefined } | undefined
      >();
  });

  it("retryPlan is the server's answer or a confirmation by plan_status", () => {
    type Result = Awaited<ReturnType<PlanExeClient["retryPlan"]>>;
    expectTypeOf<Extract<Result, { confirmed_by_status: true }>>().toEqualTypeOf<ConfirmedRerun>();
    expectTypeOf<Result["plan_id"]>().toEqualTypeOf<string>();
    type Resumed = Exclude<Awaited<ReturnType<PlanExeClient["resumePlan"]>>, ConfirmedRerun>;
    expectTypeOf<Resumed["resume_count"]>().toEqualTypeOf<number>();
  });

  it("getFileInfo is ready or not, and download gives bytes", () => {
    type Ready = Exclude<PlanFileInfoOutput, { ready: false }>;
    expectTypeOf<Ready["sha256"]>().toEqualTypeOf<string>();
    expectTypeOf<Extract<PlanFileInfoOutput, { ready: false }>["reason"]>().toEqualTypeOf<string>();
    expectTypeOf(client.download).returns.resolves.toEqualTypeOf<DownloadedArtifact>();
    expectTypeOf<DownloadedArtifact["bytes"]>().toEqualTypeOf<Uint8Array>();
  });

  it("downloadTo returns what its target's commit returned", () => {
    const target = {} as DownloadTarget<{ path: string }>;
    expectTypeOf(client.downloadTo("id", target))
      .resolves.toHaveProperty("result")
      .toEqualTypeOf<{ path: string }>();
    expectTypeOf(client.downloadTo("id", target))
      .resolves.toHaveProperty("sha256")
      .toEqualTypeOf<string>();
    expectTypeOf(client.download)
      .parameter(1)
      .exclude<undefined>()
      .toHaveProperty("maxBytes")
      .toEqualTypeOf<number | undefined>();
  });

  it("sendFeedback offers the documented categories and takes any string, as PlanExe does", () => {
    expectTypeOf(client.sendFeedback).parameter(0).toExtend<string>();
    expectTypeOf<"mcp" | "plan" | "code" | "docs" | "other">().toExtend<
      Parameters<typeof client.sendFeedback>[0]
    >();
    expectTypeOf<"feature-request">().toExtend<Parameters<typeof client.sendFeedback>[0]>();
  });

  it("user_api_key is not an option: PlanExe charges the client's own key", () => {
    expectTypeOf(client.createPlan)
      .parameter(1)
      .exclude<undefined>()
      .not.toHaveProperty("user_api_key");
    expectTypeOf(client.listPlans)
      .parameter(0)
      .exclude<undefined>()
      .not.toHaveProperty("user_api_key");
  });
});
