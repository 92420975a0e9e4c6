import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
    pool: "forks",
    // Vitest's default is one worker per core less one: a single worker on a 2-core machine, and the
    // slowest files (the DLQ, chaos and crash runs) mostly wait on retry and visibility timeouts.
    // More workers than cores let those waits overlap with the files that compute.
    maxWorkers: 4,
    // Test files share their worker processes, so node_modules (aws-cdk-lib, the AWS SDK, grammY,
    // dynalite) load once per worker instead of once per file: measured, 264 → 160 CPU-seconds and
    // 140 → 90 s for the suite on 2 cores. What a process would otherwise carry from one file to the
    // next is reset per file by the setup files: our own modules (with their SDK clients made from
    // the env of the time) are evaluated afresh, and process.env is put back.
    isolate: false,
    setupFiles: ["test/support/fresh-modules.ts", "test/support/restore-env.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      POWERTOOLS_LOG_LEVEL: "SILENT",
      POWERTOOLS_METRICS_DISABLED: "true",
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
    },
    reporters: ["default", ["json", { outputFile: "reports/vitest.json" }]],
  },
});
