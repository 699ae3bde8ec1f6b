import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
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

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile())
      newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * The file that runs `program` (`replica-main` or `worker-main`). From the
 * published package (or a build): `dist/emulator/<program>.js` run by plain
 * `node`. From the TypeScript sources (tests, `tsx`): the build too when it is
 * newer than every file in `src/` (starting a replica is then 2–3× cheaper),
 * else the `.ts` file through tsx, so a test always runs the code beside it.
 * `PLANEXE_EMULATOR_ENTRY=dist` or `=source` overrides the choice.
 */
export function childEntry(program: "replica-main" | "worker-main"): ChildEntry {
  const here = currentFile();
  if (here.endsWith(".ts")) {
    const root = packageRoot(here);
    const built = join(root, "dist", "emulator", `${program}.js`);
    const from = process.env.PLANEXE_EMULATOR_ENTRY;
    const fresh = () => statSync(built).mtimeMs >= newestMtime(join(root, "src"));
    if (existsSync(built) && from !== "source" && (from === "dist" || fresh())) {
      return { file: built, execArgv: [] };
    }
    const tsx = createRequire(here).resolve("tsx");
    return {
      file: join(dirname(here), `${program}.ts`),
      execArgv: ["--import", pathToFileURL(tsx).href],
    };
  }
  const file = join(packageRoot(here), "dist", "emulator", `${program}.js`);
  return { file, execArgv: [] };
}
