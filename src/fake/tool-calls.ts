// A world's tool calls: a failure `failNextCall` scripted answers first, else the tool
// runs on the world's plans; the feedback `send_feedback` collects is kept here.
import type { Clock } from "../time/clock.js";
import type { PlanStore } from "./store.js";
import { runTool, type ToolDefinition, type ToolSettings } from "./tools/index.js";
import type { Caller, FeedbackRecord, ToolErrorBody, ToolOutcome } from "./types.js";

/** What `failNextCall` makes a tool answer: a handler's refusal, or a text-only error. */
type ScriptedError = ToolErrorBody | { text: string };

/** `failNextCall`'s script: per tool, the error its next calls answer and how many are left. */
function createCallScript() {
  const scripted = new Map<string, { error: ScriptedError; times: number }>();
  return {
    fail(tool: string, error: ScriptedError, times: number) {
      scripted.set(tool, { error, times });
    },
    /** The scripted answer of this call of `tool` (spending one of its times), or undefined. */
    next(tool: string): ToolOutcome | undefined {
      const script = scripted.get(tool);
      if (script && script.times > 0) {
        script.times -= 1;
        if (script.times === 0) scripted.delete(tool);
        if ("text" in script.error) {
          const { text } = script.error;
          return { ok: false, text, error: { code: "INTERNAL_ERROR", message: text } };
        }
        return { ok: false, error: { ...script.error } };
      }
      return undefined;
    },
  };
}

/** What tool calls work on. */
interface ToolCallDeps {
  clock: Clock;
  store: PlanStore;
  settings: ToolSettings;
  newId(): string;
  extraTools: ReadonlyMap<string, ToolDefinition>;
  /** The origin of sse_url and download_url when the caller names none. */
  baseUrl: string;
  /** Woken when a plan is queued; told when a tool stops a plan it runs. */
  worker: { kick(): void; release(planId: string): void };
}

/** The world's `callTool`, `failNextCall` and `feedback`. */
export function createToolCalls({
  clock,
  store,
  settings,
  newId,
  extraTools,
  baseUrl,
  worker,
}: ToolCallDeps) {
  const feedback: FeedbackRecord[] = [];
  const script = createCallScript();
  return {
    feedback: feedback as readonly FeedbackRecord[],
    callTool(name: string, args: unknown, caller: Partial<Caller> = {}): ToolOutcome {
      return (
        script.next(name) ??
        runTool(name, args, {
          clock,
          store,
          settings,
          feedback,
          newId,
          caller: { userId: caller.userId ?? "anonymous", baseUrl: caller.baseUrl ?? baseUrl },
          queued: () => worker.kick(),
          stopped: (planId) => worker.release(planId),
          extraTools,
        })
      );
    },
    failNextCall(tool: string, error: ScriptedError, options: { times?: number } = {}) {
      script.fail(tool, error, options.times ?? 1);
    },
  };
}
