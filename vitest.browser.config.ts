import { defineConfig } from "vitest/config";

// `npm run test:browser`: the root entry in the system's Chromium against the emulator.
// Not part of `npm test`, so contributors without a browser keep a fast suite.
export default defineConfig({
  test: {
    include: ["test/browser/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // One browser and one emulator at a time: each file starts both.
    fileParallelism: false,
  },
});
