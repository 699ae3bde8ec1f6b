import { defineConfig } from "vitest/config";

// Real Chromium: `npm run test:browser` (vitest.browser.config.ts); PlanExe's own server,
// which needs root and ../shared/real-planexe: `npm run test:real` (vitest.real.config.ts).
const elsewhere = ["test/browser/**", "test/real-planexe/**", "**/node_modules/**"];
// Files that patch the global fetch (msw) or read process-wide registries (the shared
// outage episodes, the remembered secrets) by count: each gets a fresh process.
const isolated = [
  "test/sse/**/*.test.ts",
  "test/transport/**/*.test.ts",
  "test/testing/**/*.test.ts",
  // msw's setupServer, outside those folders.
  "test/cli/download-missing.test.ts",
  "test/tools/sdk-recipe.test.ts",
  // Remembers up to 256 random keys process-wide.
  "test/hostile/secrets.property.test.ts",
];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: "forks",
    // Most suites wait on real child processes, sockets and deploy windows, not on the CPU:
    // three workers keep both cores busy where two left them half idle.
    maxWorkers: 3,
    // Type-level tests (*.test-d.ts) are checked by `npm run typecheck` (tsc), not a second time here.
    projects: [
      { extends: true, test: { name: "isolated", include: isolated, exclude: elsewhere } },
      {
        extends: true,
        test: {
          name: "shared",
          include: ["test/**/*.test.ts"],
          exclude: [...elsewhere, ...isolated],
          // A fresh process per file cost about half a CPU-second each (importing vitest,
          // the MCP SDK, zod and msw again); these files leave no global state behind, so
          // a worker runs them one after another in one process.
          isolate: false,
        },
      },
    ],
  },
});
