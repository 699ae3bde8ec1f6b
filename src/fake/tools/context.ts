import type { ToolAnnotations } from "@modelcontextprotocol/server";
import type { z } from "zod";
import type { Clock } from "../../time/clock.js";
import type { PlanStore } from "../store.js";
import type { Caller, FeedbackRecord, ToolErrorBody } from "../types.js";

/** World settings the tool handlers read. Mutable ones (credits) are read at call time. */
export interface ToolSettings {
  dedupWindowMs: number;
  pipelineVersion: number;
  downloadSecret: string;
  insufficientCredits: boolean;
  /** False while report and zip bytes are missing (PlanExe's worker_plan down). */
  contentAvailable: boolean;
}

/** Everything one tool call may touch. */
export interface ToolContext {
  clock: Clock;
  store: PlanStore;
  caller: Caller;
  settings: ToolSettings;
  feedback: FeedbackRecord[];
  newId(): string;
  /** A plan entered `pending`: wake the worker. */
  queued(): void;
  /** A plan left `processing` because of a tool (stop): free its worker slot. */
  stopped(planId: string): void;
  /** The world's `extraTools` option: tools a newer PlanExe would list, by name. */
  extraTools?: ReadonlyMap<string, ToolDefinition>;
}

/** Thrown by a handler to answer with a tool error (`isError: true`). */
export class ToolFailure extends Error {
  readonly body: ToolErrorBody;
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = "ToolFailure";
    this.body = details ? { code, message, details } : { code, message };
  }
}

/** One PlanExe tool: its schema for `tools/list` and its handler. */
export interface ToolDefinition<Shape extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  description: string;
  inputSchema: z.ZodObject<Shape>;
  /** Listed as the tool's `outputSchema` (only tools added by `extraTools` have one). */
  outputSchema?: z.ZodObject;
  annotations: ToolAnnotations;
  /** Free tools answer without an API key. */
  free: boolean;
  handler(args: z.output<z.ZodObject<Shape>>, context: ToolContext): Record<string, unknown>;
}

/** Keeps the handler's `args` typed by its own schema. */
export function defineTool<Shape extends z.ZodRawShape>(
  tool: ToolDefinition<Shape>,
): ToolDefinition {
  return tool as unknown as ToolDefinition;
}

/** `PLAN_NOT_FOUND` for an unknown plan id. */
export function planNotFound(planId: string): ToolFailure {
  return new ToolFailure("PLAN_NOT_FOUND", `Plan not found: ${planId}`);
}

/** The readers and the free tools, as PlanExe annotates them. */
export const READER_ANNOTATIONS = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
} as const;
