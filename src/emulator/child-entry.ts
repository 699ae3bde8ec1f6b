import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** How to start one of the emulator's child programs with `child_process.fork`. */
export interface ChildEntry {
  file: string;
  execArgv: string[];
}

function currentFile(): string {
  // CJS build: __filename; ESM build and source: import.meta.url.
  if (typeof __filename === "string") return __filename;
  return fileURLToPath(import.meta.url);
}

function packageRoot(from: string): string {
  let dir = dirname(from);
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      const { name } = JSON.parse(readFileSync(manifest, "utf8")) as { name?: string };
      if (name === "planexe-client") return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`Cannot find the planexe-client package above ${from}`);
    dir = parent;
  }
}

/**
 * The file that runs `program` (`replica-main` or `worker-main`). From the
 * published package (or a build): `dist/emulator/<program>.js` run by plain
 * `node`. From the TypeScript sources (tests, `tsx`): the `.ts` file run through
 * tsx, so a test always exercises the code it sits next to.
 */
export function childEntry(program: "replica-main" | "worker-main"): ChildEntry {
  const here = currentFile();
  if (here.endsWith(".ts")) {
    const tsx = createRequire(here).resolve("tsx");
    return {
      file: join(dirname(here), `${program}.ts`),
      execArgv: ["--import", pathToFileURL(tsx).href],
    };
  }
  const file = join(packageRoot(here), "dist", "emulator", `${program}.js`);
  return { file, execArgv: [] };
}
