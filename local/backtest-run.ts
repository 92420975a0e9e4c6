import type { ReplaySource } from "../functions/adapters/prices/replay";
import { estimateLlmRun, type LlmEstimate } from "../functions/core/backtest/llm-estimate";
import { type Backtest, type BacktestOptions, buildBacktest } from "../functions/core/backtest/report";
import { firstAnalysedIndex, type WalkStep, walkForward } from "../functions/core/backtest/walk";
import type { Candle } from "../functions/core/candles";
import type { Config } from "../functions/core/config";
import type { Timeframe } from "../functions/core/timeframes";
import type { AnalystModel } from "../functions/core/verdict";
import { BacktestStore } from "./backtest-store";

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
  onStep?: (step: WalkStep, total: number) => void;
}

export interface BacktestResult extends Backtest {
  steps: WalkStep[];
  estimate?: LlmEstimate;
}

const walkWith = (run: BacktestRun, model: AnalystModel | undefined) => {
  const store = new BacktestStore();
  const total = run.candles.length - firstAnalysedIndex(run.candles.length, run.config.lookbackCandles);
  return walkForward(
    {
      symbol: run.symbol,
      timeframe: run.timeframe,
      candles: run.candles,
      config: run.config,
      onStep: run.onStep ? (step) => run.onStep?.(step, total) : undefined,
    },
    { signals: store, claims: store, verdicts: store, spend: store, mutes: store, model },
  );
};

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
  return { ...buildBacktest({ ...run, steps, rulesSteps }), steps, estimate };
}
