import type { Output } from "../output.js";
import { createBarRenderer } from "./bar.js";
import { createJsonRenderer } from "./json.js";
import { createLineRenderer } from "./lines.js";
import type { Renderer } from "./renderer.js";

export type { MissingFile, Renderer, SavedFile, WatchResult } from "./renderer.js";

/** `--json` → JSON lines; a terminal → the bar; otherwise one line per change. */
export function pickRenderer(output: Output, json: boolean, now: () => number): Renderer {
  if (json) return createJsonRenderer(output);
  return output.isTTY ? createBarRenderer(output, now) : createLineRenderer(output, now);
}
