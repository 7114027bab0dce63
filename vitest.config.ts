import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/support/setup-network.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // PGlite takes ~400 MB per open database; two files at a time fits CI's 2 cores.
    maxWorkers: 2,
    pool: "forks",
  },
});
