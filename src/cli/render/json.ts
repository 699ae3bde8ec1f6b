import type { Output } from "../output.js";
import type { Renderer } from "./renderer.js";
import { errorLine } from "./summary.js";

/**
 * One JSON object per line: every stream event as `watchPlan` yields it
 * (`status`, `complete`, `connected`, `reconnecting`, `heartbeat`), `plan_status`
 * answers as `{"type":"plan_status",…}`, and a last `{"type":"result",…}`.
 */
export function createJsonRenderer(output: Output): Renderer {
  const line = (value: unknown) => output.out(`${JSON.stringify(value)}\n`);
  return {
    update(update) {
      if (update.kind === "event") line(update.event);
      else line({ ...update.status, type: "plan_status" });
    },
    tick() {},
    note(text) {
      line({ type: "note", message: text });
    },
    finish(result) {
      line({
        type: "result",
        state: result.state ?? null,
        exit_code: result.exitCode,
        ...(result.reportCommand && { report_command: result.reportCommand }),
        ...(result.reportNote && { report_note: result.reportNote }),
        ...(result.saved && { saved: result.saved }),
        ...(result.missing?.length && { missing: result.missing }),
        ...(result.error && { error: result.error }),
      });
      const error = errorLine(result);
      if (error) output.err(`${error}\n`);
    },
  };
}
