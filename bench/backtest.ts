// The backtest on real series (../shared/data/ohlcv): closes per second through the live chain with the
// rules analyst on the 10,999-candle BTC 5m series (goal >= 5,000/s), then the README's "Is it any
// good?" table: the rules analyst on BTC 5m 2023, BTC daily 2015-2018 and GOOG daily 2005-2013, each
// beside buy-and-hold and the random-direction baseline. Node here, not Lambda: figures are relative.
import { availableParallelism, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import type { BacktestReport } from "../functions/core/backtest/report";
import type { Candle } from "../functions/core/candles";
import { parseConfig } from "../functions/core/config";
import type { Timeframe } from "../functions/core/timeframes";
import { formatRate, formatReturn } from "../functions/core/track-record/rates";
import { runBacktest } from "../local/backtest-run";
import { hasShared, sharedMissing } from "../test/support/shared";
import { OHLCV, SERIES } from "./shared-series";

const RUNS = 3;
const OPTIONS = { feeBps: 10, short: false, seed: 1, draws: 200 };

const backtestOf = (symbol: string, timeframe: Timeframe, candles: Candle[]) =>
  runBacktest({
    symbol,
    timeframe,
    candles,
    config: parseConfig({ timeframe, watchlist: [symbol] }),
    options: OPTIONS,
  });

const medianOf = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const rangeOf = (values: number[]) => `${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)}`;

/**
 * Closes per wall-clock second, and per CPU second of this process: on a shared machine (other jobs
 * on the same cores) the wall rate says how busy it was, the CPU rate what the code costs.
 */
async function measureSpeed(): Promise<void> {
  const { file, symbol, timeframe, load } = SERIES.btc5m;
  const candles = load(file);
  const wall: number[] = [];
  const cpu: number[] = [];
  let closes = 0;
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const result = await backtestOf(symbol, timeframe, candles);
    const used = process.cpuUsage(cpuBefore);
    closes = result?.steps.length ?? 0;
    wall.push(closes / ((performance.now() - started) / 1000));
    cpu.push(closes / ((used.user + used.system) / 1e6));
  }
  console.log(
    `rules backtest on ${file}: ${closes} closes, median ${medianOf(wall).toFixed(0)} closes/s (range ${rangeOf(wall)}), ` +
      `${medianOf(cpu).toFixed(0)} per CPU second (range ${rangeOf(cpu)}); ${RUNS} runs, load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores; goal >= 5,000 closes/s`,
  );
}

const pct = (value: number) => `${(value * 100).toFixed(1)}%`;
const sharpe = (value: number | null) => (value === null ? "–" : value.toFixed(2));

function tableRow(name: string, r: BacktestReport): string[] {
  const hit4 = r.run.hitRates.find((h) => h.horizon === 4);
  const random4 = r.baselines.random.hitRates.find((h) => h.horizon === 4);
  const randomReturn = r.baselines.random.totalReturn;
  return [
    name,
    `${r.period.from.slice(0, 10)} – ${r.period.to.slice(0, 10)}`,
    `${r.closes} / ${r.gatePasses} / ${r.run.alerts}`,
    hit4 ? formatRate(hit4.hits, hit4.scored) : "–",
    random4?.spread
      ? `${pct(random4.spread.median)} (p${random4.analystPercentile?.toFixed(0) ?? " –"})`
      : "–",
    `${formatReturn(r.run.strategy.totalReturn)} / ${pct(r.run.strategy.maxDrawdown)} / ${sharpe(r.run.strategy.sharpe)}`,
    `${r.run.strategy.trades}, ${pct(r.run.strategy.exposure)}`,
    `${formatReturn(r.baselines.buyAndHold.totalReturn)} / ${pct(r.baselines.buyAndHold.maxDrawdown)} / ${sharpe(r.baselines.buyAndHold.sharpe)}`,
    randomReturn
      ? `${formatReturn(randomReturn.median)} (p${randomReturn.strategyPercentile?.toFixed(0)})`
      : "–",
  ];
}

async function printTable(): Promise<void> {
  const header = [
    "series",
    "period",
    "closes / gate / alerts",
    "hit rate @4 (95% CI)",
    "random @4 (analyst's pct)",
    "strategy return / max DD / Sharpe",
    "trades, exposure",
    "buy and hold",
    "random return (strategy's pct)",
  ];
  const rows = [header, header.map(() => "---")];
  for (const [name, series] of Object.entries(SERIES)) {
    const result = await backtestOf(series.symbol, series.timeframe, series.load(series.file));
    if (result) rows.push(tableRow(`${series.symbol} ${series.timeframe} (${name})`, result.report));
  }
  console.log(
    `\nRules analyst, long/flat, fills at the next open, fee ${OPTIONS.feeBps} bps per side, seed ${OPTIONS.seed}:\n`,
  );
  for (const row of rows) console.log(`| ${row.join(" | ")} |`);
}

export async function run(): Promise<void> {
  if (!hasShared(...OHLCV)) {
    console.log(`skipped: ${sharedMissing(...OHLCV)}`);
    return;
  }
  await measureSpeed();
  await printTable();
}
