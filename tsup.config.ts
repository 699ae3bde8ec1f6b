import { defineConfig } from "tsup";

export default defineConfig([
  {
    // Library entries: ESM + CJS with types. Node-only parts live on their own subpaths.
    entry: {
      index: "src/index.ts",
      "server/index": "src/server/index.ts",
      "testing/index": "src/testing/index.ts",
    },
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    clean: true,
    target: "node20",
    splitting: true,
    treeshake: true,
  },
]);
