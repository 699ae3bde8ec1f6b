import { defineConfig } from "vitest/config";

// `npm run test:real`: the client against PlanExe's own mcp_cloud (../shared/real-planexe,
// needs root and its chroot; .ci/run runs it where both exist). Not part of `npm test`.
export default defineConfig({
  test: {
    include: ["test/real-planexe/**/*.test.ts"],
    // One real server per REAL_PLANEXE_HOME: the files run one after another.
    fileParallelism: false,
    pool: "forks",
    // The real server polls its database every 3 s; a deploy holds a stream 10 s before SIGKILL.
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});
