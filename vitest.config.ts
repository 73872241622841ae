import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests spawn git servers, bubblewrap and Redis clients; two cores are all we have.
    maxWorkers: 2,
    setupFiles: ["test/helpers/setup.ts"],
  },
});
