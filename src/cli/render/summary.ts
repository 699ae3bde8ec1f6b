import type { WatchResult } from "./renderer.js";

/** A failure to report on stderr (not the plan's own failure, which is part of its result). */
export function errorLine(result: WatchResult): string | undefined {
  return result.error && result.state !== "failed" ? result.error : undefined;
}

/** The human lines printed once a watch ended (bar and line renderers). */
export function resultLines(result: WatchResult): string[] {
  const lines: string[] = [];
  if (result.state === "completed") lines.push("Plan completed.");
  else if (result.state === "failed")
    lines.push(`Plan failed${result.error ? `: ${result.error}` : "."}`);
  else if (result.state === "stopped") lines.push("Plan stopped.");
  if (result.reportCommand) lines.push(`Report: run \`${result.reportCommand}\` to save it`);
  else if (result.reportNote) lines.push(`Report: ${result.reportNote}`);
  for (const file of result.saved ?? [])
    lines.push(`Saved ${file.artifact}: ${file.path} (${file.bytes} bytes, sha256 ${file.sha256})`);
  for (const file of result.missing ?? []) lines.push(`Not saved ${file.artifact}: ${file.reason}`);
  return lines;
}
