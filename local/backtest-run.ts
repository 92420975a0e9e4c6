import type { ReplaySource } from "../functions/adapters/prices/replay";
import { estimateLlmRun, type LlmEstimate } from "../functions/core/backtest/llm-estimate";
import { type Backtest, type BacktestOptions, buildBacktest } from "../functions/core/backtest/report";
import { firstAnalysedIndex, type WalkStep, walkForward } from "../functions/core/backtest/walk";
import type { Candle } from "../functions/core/candles";
import type { Config } from "../functions/core/config";
import { costUsd, priceFor } from "../functions/core/cost";
import type { Timeframe } from "../functions/core/timeframes";
import type { AnalystModel } from "../functions/core/verdict";
import { BacktestStore } from "./backtest-store";
import type { CacheStats } from "./cached-model";
import type { Progress } from "./progress";

/** Every candle of a replay's symbol at `timeframe`, built from the data's own candles like live. */
export async function replayCandles(
  source: ReplaySource,
  symbol: string,
  timeframe: Timeframe,
): Promise<Candle[]> {
  const span = source.span(symbol);
  if (!span) throw new Error(`the replay has no ${symbol}`);
  const series = await source.fetchClosedCandles({
    symbol,
    timeframe,
    limit: 10_000_000,
    now: span.last + span.stepMs,
  });
  return series.candles;
}

export interface BacktestRun {
  symbol: string;
  timeframe: Timeframe;
  candles: Candle[];
  config: Config;
  options: BacktestOptions;
  /** The LLM to ask on gate passes; undefined runs the rules analyst only. */
  model?: AnalystModel;
  /** Asked before any LLM call with the estimate; false stops the run. */
  approve?: (estimate: LlmEstimate) => boolean | Promise<boolean>;
  /** The answer cache `model` reads through, if any: the report then tells cached from new calls. */
  cacheStats?: CacheStats;
  /** A progress display for each walk ("rules", then "llm"), told the number of closes it will take. */
  progress?: (label: string, total: number) => Progress;
}

export interface BacktestResult extends Backtest {
  steps: WalkStep[];
  estimate?: LlmEstimate;
}

const walkWith = async (run: BacktestRun, model: AnalystModel | undefined) => {
  const store = new BacktestStore();
  const total = run.candles.length - firstAnalysedIndex(run.candles.length, run.config.lookbackCandles);
  const progress = run.progress?.(model ? "llm  " : "rules", total);
  try {
    return await walkForward(
      {
        symbol: run.symbol,
        timeframe: run.timeframe,
        candles: run.candles,
        config: run.config,
        onStep: progress ? () => progress.tick() : undefined,
      },
      { signals: store, claims: store, verdicts: store, spend: store, mutes: store, model },
    );
  } finally {
    progress?.done();
  }
};

/**
 * What the LLM walk really cost: a cached answer was paid for by an earlier run, so only new calls
 * count. The signals keep every answer's own tokens and cost, so the walk decides as the first run did.
 */
function billCache(backtest: Backtest, stats: CacheStats, config: Config): Backtest {
  const price = priceFor(config.analyst.model, config.analyst.prices) ?? {
    inputPerMillion: 0,
    outputPerMillion: 0,
  };
  const { run } = backtest.report;
  const llm = {
    calls: run.llm.calls,
    costUsd: Number(costUsd(stats.newUsage, price).toFixed(6)),
    cached: stats.hits,
    newCalls: stats.misses,
  };
  return { ...backtest, report: { ...backtest.report, run: { ...run, llm } } };
}

/**
 * A backtest of one series: the rules analyst first (it is the gate pass count and, with an LLM, the
 * baseline beside it), then the LLM on the same closes once the estimate is approved.
 */
export async function runBacktest(run: BacktestRun): Promise<BacktestResult | undefined> {
  const rulesSteps = await walkWith(run, undefined);
  if (!run.model) return { ...buildBacktest({ ...run, steps: rulesSteps }), steps: rulesSteps };
  const gateSteps = rulesSteps.filter((step) => step.signal.triggers.length > 0);
  const estimate = estimateLlmRun(run.symbol, run.timeframe, run.candles, gateSteps, run.config);
  if (run.approve && !(await run.approve(estimate))) return undefined;
  const steps = await walkWith(run, run.model);
  const backtest = buildBacktest({ ...run, steps, rulesSteps });
  return {
    ...(run.cacheStats ? billCache(backtest, run.cacheStats, run.config) : backtest),
    steps,
    estimate,
  };
}
