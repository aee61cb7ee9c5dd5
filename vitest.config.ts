import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", ".tools/**", "artifacts/**", "cache/**"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
