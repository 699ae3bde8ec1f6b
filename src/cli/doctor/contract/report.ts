import type { Output } from "../../output.js";
import type { Difference } from "./difference.js";

const HEADERS = ["what", "contract", "server", "effect"] as const;
/** Columns past this are cut with `…`, so the table stays readable in a terminal. */
const MAX_CELL = 34;

/** The differences as a short table, most serious first; a line when there are none. */
export function printDifferences(output: Output, found: readonly Difference[]): void {
  if (found.length === 0) {
    output.out("no differences from the contract\n");
    return;
  }
  const sorted = [...found].sort((a, b) =>
    a.effect === b.effect ? 0 : a.effect === "breaks" ? -1 : 1,
  );
  const rows = sorted.map((d) => [
    d.where,
    d.contract,
    d.server,
    d.effect === "breaks" ? "BREAKS" : "info",
  ]);
  const widths = HEADERS.map((header, i) =>
    Math.max(header.length, ...rows.map((row) => cut(row[i] ?? "").length)),
  );
  const line = (cells: readonly string[]) =>
    `${cells
      .map((cell, i) => cut(cell).padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd()}\n`;
  output.out(line(HEADERS));
  sorted.forEach((d, i) => {
    output.out(line(rows[i] ?? []));
    output.out(`    ${d.note}\n`);
  });
}

function cut(text: string): string {
  return text.length > MAX_CELL ? `${text.slice(0, MAX_CELL - 1)}…` : text;
}
