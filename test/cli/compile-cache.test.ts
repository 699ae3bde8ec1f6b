import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import * as nodeModule from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { MAIN, requireBuild, runCli } from "./helpers.js";

// Node 22.1+ has a compile cache (the bins turn it on); on Node 22.0 they start without one.
const hasCompileCache =
  typeof (nodeModule as { enableCompileCache?: unknown }).enableCompileCache === "function";

let dir = "";
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("a bin's start", () => {
  it.skipIf(!hasCompileCache)(
    "keeps the compiled code of the command and its dependencies for the next start",
    async () => {
      requireBuild();
      dir = mkdtempSync(join(tmpdir(), "planexe-compile-cache-"));
      // Not NODE_COMPILE_CACHE (that alone turns the cache on): the bin's own default, under TMPDIR.
      // An outer NODE_COMPILE_CACHE or NODE_DISABLE_COMPILE_CACHE would decide instead: cleared.
      const env = {
        TMPDIR: dir,
        NODE_COMPILE_CACHE: undefined,
        NODE_DISABLE_COMPILE_CACHE: undefined,
      };
      const first = await runCli(MAIN, ["mcp", "--help"], env);
      expect(first.code).toBe(0);
      expect(first.stdout).toContain("Usage: planexe-client mcp");
      // One entry per module compiled after the bin started: the command, the MCP SDK, zod, …
      const entries = readdirSync(join(dir, "node-compile-cache"), { recursive: true });
      expect(entries.length).toBeGreaterThan(20);
      const again = await runCli(MAIN, ["mcp", "--help"], env);
      expect(again).toEqual(first);
    },
  );
});
