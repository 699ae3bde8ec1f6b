import { formatDuration } from "../args/duration.js";
import { CLEAR_LINE, type Output } from "../output.js";
import { applyUpdate, currentStep, elapsedNow, emptyView, type ProgressView } from "./model.js";
import type { Renderer } from "./renderer.js";
import { errorLine, resultLines } from "./summary.js";

const MAX_WIDTH = 24;
const MIN_WIDTH = 8;

/** The bar's one line for a view (no escape codes), cut to `columns - 1`; the bar shrinks first. */
export function barLine(view: ProgressView, now: number, columns: number): string {
  const percent = view.percent ?? 0;
  const head = (view.state ?? "connecting").padEnd(10);
  const tail = [`${percent.toFixed(1).padStart(5)}%`];
  const elapsed = elapsedNow(view, now);
  if (elapsed !== undefined) tail.push(formatDuration(elapsed * 1000));
  // The notice matters more than the step name on a narrow terminal.
  const step = currentStep(view);
  if (view.notice) tail.push(`| ${view.notice}`);
  else if (step) tail.push(step);
  const max = Math.max(20, columns - 1);
  const rest = head.length + tail.join("  ").length + 4;
  const width = Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, max - rest - 2));
  const filled = Math.round((Math.min(100, Math.max(0, percent)) / 100) * width);
  const bar = `[${"█".repeat(filled)}${"░".repeat(width - filled)}]`;
  const line = [head, bar, ...tail].join("  ");
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** A progress bar redrawn in place on a terminal. */
export function createBarRenderer(output: Output, now: () => number): Renderer {
  let view = emptyView();
  let drawn = "";
  const draw = () => {
    const line = barLine(view, now(), output.columns);
    if (line === drawn) return;
    drawn = line;
    output.out(`${CLEAR_LINE}${line}`);
  };
  return {
    update(update) {
      view = applyUpdate(view, update, now());
      draw();
    },
    tick: draw,
    note(text) {
      output.out(`${CLEAR_LINE}${text}\n`);
      drawn = "";
      if (view.state !== undefined || view.notice !== undefined) draw();
    },
    finish(result) {
      if (drawn) output.out("\n");
      for (const line of resultLines(result)) output.out(`${line}\n`);
      const error = errorLine(result);
      if (error) output.err(`${error}\n`);
    },
  };
}
