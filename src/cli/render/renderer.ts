import type { PlanState } from "../../protocol/index.js";
import type { ProgressUpdate } from "./model.js";

/** A file `--download` saved. */
export interface SavedFile {
  artifact: "report" | "zip";
  path: string;
  sha256: string;
  bytes: number;
}

/** An artifact `download` / `--download` could not get from PlanExe. */
export interface MissingFile {
  artifact: "report" | "zip";
  /** `content_unavailable`, `generation_failed` or `NOT_READY`. */
  code: string;
  /** Why, in the SDK's words (no secret in it). */
  reason: string;
}

/** How a watch ended, as the CLI reports it. */
export interface WatchResult {
  /** The plan's final state, when it reached one. */
  state: PlanState | undefined;
  exitCode: number;
  /** The command that saves the report (`planexe-client download <id> --artifact report`). */
  reportCommand?: string | undefined;
  /** Why there is no such command, when there is none. */
  reportNote?: string | undefined;
  saved?: SavedFile[] | undefined;
  /** Artifacts `--download` could not get (the others were saved). */
  missing?: MissingFile[] | undefined;
  /** The failure's message (plan failed, or the watch could not go on). */
  error?: string | undefined;
}

/** Draws a watch: a bar on a terminal, lines in a pipe, or JSON. */
export interface Renderer {
  update(update: ProgressUpdate): void;
  /** Redraws time-dependent parts (the bar's elapsed time). */
  tick(): void;
  /** A line of commentary (the demo's "rolling deploy started"), printed above the bar. */
  note(text: string): void;
  finish(result: WatchResult): void;
}
