import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Real Chromium: `npm run test:browser` (vitest.browser.config.ts); PlanExe's own server,
    // which needs root and ../shared/real-planexe: `npm run test:real` (vitest.real.config.ts).
    exclude: ["test/browser/**", "test/real-planexe/**", "**/node_modules/**"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: "forks",
    // Many suites wait on real child processes and sockets; two workers keep both cores busy.
    maxWorkers: 2,
    // Type-level tests (*.test-d.ts) are checked by `npm run typecheck` (tsc), not a second time here.
  },
});
