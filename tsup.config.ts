import { readFileSync } from "node:fs";
import { defineConfig, type Options } from "tsup";

// The entries are written out in each build, not shared through a constant: knip reads
// them from this file's text. What the package exports (the first four) is built as
// ESM and as CJS, each with its own declarations.
//
// No source maps in the package: a user's debugger or bundler has no use for maps whose
// sources are not shipped, and they were two thirds of its size.

// `VERSION` (src/version.ts): package.json's version inlined, never the package.json itself.
const { version } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));
const define = { __PLANEXE_CLIENT_VERSION__: JSON.stringify(version) };

// Every build: Node 22 and up; planexe-client/testing hands its handlers to the user's
// own msw, so a second copy is never bundled.
const node: Options = {
  platform: "node",
  target: "node22",
  external: ["msw"],
  define,
};

export default defineConfig([
  {
    // The ESM build: the library, the emulator's child programs and the CLI bins
    // (package.json "bin") share one set of chunks, so the CLI ships no second copy
    // of the library. Each bin's source starts with `#!/usr/bin/env node`, which
    // esbuild keeps on its entry file.
    entry: {
      index: "src/index.ts",
      "server/index": "src/server/index.ts",
      "testing/index": "src/testing/index.ts",
      "emulator/index": "src/emulator/index.ts",
      // Run by the emulator as child processes (`node dist/emulator/replica-main.js`).
      "emulator/replica-main": "src/emulator/replica-main.ts",
      "emulator/worker-main": "src/emulator/worker-main.ts",
      "cli/main": "src/cli/main.ts",
      "cli/watch-plan": "src/cli/watch-plan.ts",
    },
    format: ["esm"],
    dts: {
      entry: {
        index: "src/index.ts",
        "server/index": "src/server/index.ts",
        "testing/index": "src/testing/index.ts",
        "emulator/index": "src/emulator/index.ts",
      },
    },
    clean: true,
    splitting: true,
    treeshake: true,
    ...node,
  },
  {
    // The CJS build: the library only (the bins and the emulator's children run as ESM).
    entry: {
      index: "src/index.ts",
      "server/index": "src/server/index.ts",
      "testing/index": "src/testing/index.ts",
      "emulator/index": "src/emulator/index.ts",
    },
    format: ["cjs"],
    dts: true,
    clean: false,
    splitting: true,
    treeshake: true,
    ...node,
  },
  {
    // `npm run demo` in a clone of the repository; not in the package ("files").
    entry: { "cli/demo": "src/cli/demo.ts" },
    format: ["esm"],
    clean: false,
    splitting: false,
    dts: false,
    ...node,
  },
]);
