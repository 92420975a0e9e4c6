// `npm run chaos -- [--seed N] [--closes N]`: the fault run of #7 over the real BTC 5m series in
// ../shared/data (under two symbols), printing one line of counts. Every figure should read 0.
import "../../bin/cli-env";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { SERIES } from "../../bench/shared-series";
import { loadConfig } from "../../functions/runtime/config";
import { hasShared, sharedMissing } from "../support/shared";
import { chaosLine, runChaos } from "./chaos-run";

const { values } = parseArgs({
  options: { seed: { type: "string", default: "1" }, closes: { type: "string", default: "2050" } },
});
const seed = Number(values.seed);
const closes = Number(values.closes);
if (!Number.isInteger(seed) || !Number.isInteger(closes) || closes < 1)
  throw new Error(`--seed and --closes take whole numbers (got ${values.seed}, ${values.closes})`);

const series = SERIES.btc5m;
if (!hasShared("data", "ohlcv", series.file)) {
  console.error(`chaos: ${sharedMissing("data", "ohlcv", series.file)}`);
  process.exit(1);
}
const warmup = loadConfig().lookbackCandles;
const candles = series.load(series.file).slice(0, warmup + closes);
const workDir = mkdtempSync(join(tmpdir(), "signals-chaos-"));
const started = performance.now();
try {
  console.log(
    `chaos: seed ${seed}, ${closes} real ${series.timeframe} closes of ${series.file} under BTC-USD and ETH-USD, one kill -9 mid-run`,
  );
  const report = await runChaos({
    seed,
    candles,
    timeframe: series.timeframe,
    symbols: ["BTC-USD", "ETH-USD"],
    workDir,
    killAfter: 0.3 + 0.4 * ((seed * 0.618) % 1),
    log: (line) => console.log(`chaos: ${line}`),
  });
  const { llm, telegram } = report;
  console.log(
    `chaos: faults injected: LLM ${llm.serverError} × 500, ${llm.rateLimit} × 429, ${llm.malformed} malformed (${llm.billed} billed answers); ` +
      `Telegram ${telegram.rateLimited} × 429, ${telegram.toBlockedChat} sends to the blocked chat; DynamoDB ${report.dynamoThrottled} throttled; ` +
      `second run exit ${report.secondRunExit}; ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
  const requests = Object.entries(report.dynamoRequests).sort(([, a], [, b]) => b - a);
  console.log(`chaos: DynamoDB requests: ${requests.map(([kind, n]) => `${n} ${kind}`).join(", ")}`);
  console.log(chaosLine(report));
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
