import { readFileSync } from "node:fs";
import { defineConfig } from "tsup";

// `VERSION` (src/version.ts): package.json's version inlined, never the package.json itself.
const { version } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));
const define = { __PLANEXE_CLIENT_VERSION__: JSON.stringify(version) };

export default defineConfig([
  {
    // Library entries: ESM + CJS with types. Node-only parts live on their own subpaths.
    entry: {
      index: "src/index.ts",
      "server/index": "src/server/index.ts",
      "testing/index": "src/testing/index.ts",
      "emulator/index": "src/emulator/index.ts",
      // Run by the emulator as child processes (`node dist/emulator/replica-main.js`).
      "emulator/replica-main": "src/emulator/replica-main.ts",
      "emulator/worker-main": "src/emulator/worker-main.ts",
    },
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    clean: true,
    target: "node20",
    splitting: true,
    treeshake: true,
    // planexe-client/testing hands its handlers to the user's own msw: never bundle a second copy.
    external: ["msw"],
    define,
  },
  {
    // The CLI bins (package.json "bin"): ESM only, run by node.
    entry: {
      main: "src/cli/main.ts",
      "watch-plan": "src/cli/watch-plan.ts",
      demo: "src/cli/demo.ts",
    },
    outDir: "dist/cli",
    format: ["esm"],
    platform: "node",
    target: "node20",
    banner: { js: "#!/usr/bin/env node" },
    define,
    sourcemap: true,
    clean: false,
    splitting: true,
    dts: false,
  },
]);
