import { formatDuration } from "../args/duration.js";
import type { Output } from "../output.js";
import { applyUpdate, currentStep, emptyView, type ProgressView } from "./model.js";
import type { Renderer } from "./renderer.js";
import { errorLine, resultLines } from "./summary.js";

/** One line for a view: `processing  35%  7/20 identify_risks  12s`. */
function progressLine(view: ProgressView): string {
  const parts = [view.state ?? "connecting", `${Math.floor(view.percent ?? 0)}%`];
  const step = currentStep(view);
  if (step) parts.push(step);
  if (view.elapsedSec !== undefined) parts.push(formatDuration(view.elapsedSec * 1000));
  return parts.join("  ");
}

/** One line per visible change (state, whole percent, step) and per reconnect: for pipes and logs. */
export function createLineRenderer(output: Output, now: () => number): Renderer {
  let view = emptyView();
  let last = "";
  return {
    update(update) {
      const before = view;
      view = applyUpdate(view, update, now());
      if (update.kind === "event" && update.event.type === "reconnecting" && view.notice) {
        output.out(`${view.notice}\n`);
        return;
      }
      if (update.kind === "event" && update.event.type === "connected" && before.notice) {
        output.out("reconnected\n");
      }
      const key = `${view.state}|${Math.floor(view.percent ?? 0)}|${currentStep(view)}`;
      if (view.state === undefined || key === last) return;
      last = key;
      output.out(`${progressLine(view)}\n`);
    },
    tick() {},
    note(text) {
      output.out(`${text}\n`);
    },
    finish(result) {
      for (const line of resultLines(result)) output.out(`${line}\n`);
      const error = errorLine(result);
      if (error) output.err(`${error}\n`);
    },
  };
}
