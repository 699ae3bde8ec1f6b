#!/usr/bin/env node
// Builds dist/ only when it is missing or older than its inputs. `npm ci` already
// builds through `prepare`, so `npm test` on a fresh clone does not build twice;
// after an edit to src/ it rebuilds, because tests run the CLI and emulator from dist.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const marker = join(root, "dist", "index.js");

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let max = 0;
  for (const entry of readdirSync(path)) max = Math.max(max, newest(join(path, entry)));
  return max;
}

const inputs = ["src", "tsup.config.ts", "package.json", "tsconfig.json"].map((p) => join(root, p));
const stale = !existsSync(marker) || Math.max(...inputs.map(newest)) > statSync(marker).mtimeMs;
if (stale) {
  execFileSync(process.execPath, [join(root, "node_modules", "tsup", "dist", "cli-default.js")], {
    cwd: root,
    stdio: "inherit",
  });
} else {
  console.log("dist/ is up to date with src/; not rebuilding.");
}
