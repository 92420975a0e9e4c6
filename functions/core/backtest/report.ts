import type { Candle } from "../candles";
import type { Config } from "../config";
import { isoTime } from "../signal";
import type { Timeframe } from "../timeframes";
import { isSide } from "../track-record/rates";
import { type EquityFigures, equityFigures, periodsPerYear } from "./metrics";
import { type RandomBaseline, randomBaseline } from "./random-baseline";
import { type Call, type HorizonScore, scoreCalls } from "./scoring";
import { buyAndHoldEquity, type Simulation, simulateTrades, type Trade } from "./trades";
import type { WalkStep } from "./walk";

export interface BacktestOptions {
  feeBps: number;
  short: boolean;
  seed: number;
  draws: number;
}

/** What the analyst did over the walk and what following its alerts would have earned. */
export interface AnalystRun {
  analyst: "rules" | "llm";
  model?: string;
  promptVersion?: string;
  actions: Record<"BUY" | "SELL" | "HOLD" | "ABSTAIN", number>;
  abstainReasons: Record<string, number>;
  alerts: number;
  /** With an answer cache: `cached` calls read from it, `newCalls` asked; `costUsd` is then the new calls' alone. */
  llm: { calls: number; costUsd: number; cached?: number; newCalls?: number };
  /** Hit rate of the alerts at each horizon, before fees. */
  hitRates: HorizonScore[];
  strategy: EquityFigures & { exposure: number; trades: number; unfilled: number };
}

export interface BacktestReport {
  symbol: string;
  timeframe: Timeframe;
  period: { from: string; to: string };
  closes: number;
  gatePasses: number;
  fees: { bpsPerSide: number };
  short: boolean;
  run: AnalystRun;
  baselines: {
    buyAndHold: EquityFigures;
    random: RandomBaseline;
    /** With --analyst llm: the rules analyst on the same closes. */
    rules?: AnalystRun;
  };
}

export interface RunResult {
  run: AnalystRun;
  simulation: Simulation;
  calls: Call[];
}

/** Scores one walk: counts, alert hit rates, and the long/flat (or long/short) strategy of its alerts. */
export function scoreRun(
  candles: readonly Candle[],
  steps: readonly WalkStep[],
  config: Config,
  options: BacktestOptions,
  startIndex: number,
): RunResult {
  const actions = { BUY: 0, SELL: 0, HOLD: 0, ABSTAIN: 0 };
  const abstainReasons: Record<string, number> = {};
  const calls: Call[] = [];
  let costUsd = 0;
  let llmCalls = 0;
  let model: string | undefined;
  let promptVersion: string | undefined;
  for (const step of steps) {
    const { signal } = step;
    actions[signal.action] += 1;
    if (signal.action === "ABSTAIN")
      for (const reason of signal.reasons) abstainReasons[reason] = (abstainReasons[reason] ?? 0) + 1;
    if (step.llmCalled) llmCalls += 1;
    costUsd += signal.costUsd ?? 0;
    model ??= signal.model;
    promptVersion ??= signal.promptVersion;
    if (signal.alert && isSide(signal.action)) calls.push({ index: step.index, side: signal.action });
  }
  const simulation = simulateTrades(
    candles,
    calls.map((c) => ({ index: c.index, action: c.side })),
    { feeBps: options.feeBps, short: options.short, startIndex },
  );
  const perYear = periodsPerYear(candles.slice(startIndex).map((c) => c.time));
  const run: AnalystRun = {
    analyst: model ? "llm" : "rules",
    ...(model ? { model } : {}),
    ...(promptVersion ? { promptVersion } : {}),
    actions,
    abstainReasons,
    alerts: calls.length,
    llm: { calls: llmCalls, costUsd: Number(costUsd.toFixed(6)) },
    hitRates: scoreCalls(candles, calls, config.outcomes.horizons),
    strategy: {
      ...equityFigures(simulation.equity, perYear),
      exposure: simulation.exposure,
      trades: simulation.trades.length,
      unfilled: simulation.unfilled,
    },
  };
  return { run, simulation, calls };
}

export interface ReportInput {
  symbol: string;
  timeframe: Timeframe;
  candles: readonly Candle[];
  steps: readonly WalkStep[];
  config: Config;
  options: BacktestOptions;
  /** The rules analyst's walk, when the main run is the LLM's. */
  rulesSteps?: readonly WalkStep[];
}

export interface Backtest {
  report: BacktestReport;
  trades: Trade[];
  /** Per close from the first analysed one: time, strategy and buy-and-hold equity. */
  equity: Array<{ time: number; strategy: number; buyHold: number }>;
}

export function buildBacktest(input: ReportInput): Backtest {
  const { candles, steps, config, options } = input;
  const startIndex = steps[0]?.index ?? candles.length - 1;
  const main = scoreRun(candles, steps, config, options, startIndex);
  const rules = input.rulesSteps
    ? scoreRun(candles, input.rulesSteps, config, options, startIndex)
    : undefined;
  const perYear = periodsPerYear(candles.slice(startIndex).map((c) => c.time));
  const holdEquity = buyAndHoldEquity(candles, startIndex, options.feeBps);
  const gateEvents = steps.filter((s) => s.signal.triggers.length > 0).map((s) => s.index);
  const random = randomBaseline({
    candles,
    gateEvents,
    analystCalls: main.calls,
    analystHitRates: main.run.hitRates.map((h) => ({
      horizon: h.horizon,
      // A percentile over a handful of calls is noise: only judged rates are placed among the draws.
      ...(h.rate ? { rate: h.rate.rate } : {}),
    })),
    strategyReturn: main.run.strategy.totalReturn,
    horizons: config.outcomes.horizons,
    simulation: { feeBps: options.feeBps, short: options.short, startIndex },
    draws: options.draws,
    seed: options.seed,
  });
  const report: BacktestReport = {
    symbol: input.symbol,
    timeframe: input.timeframe,
    period: {
      from: isoTime(candles[startIndex]?.time ?? 0),
      to: isoTime(candles.at(-1)?.time ?? 0),
    },
    closes: steps.length,
    gatePasses: gateEvents.length,
    fees: { bpsPerSide: options.feeBps },
    short: options.short,
    run: main.run,
    baselines: {
      buyAndHold: equityFigures(holdEquity, perYear),
      random,
      ...(rules ? { rules: rules.run } : {}),
    },
  };
  const equity = main.simulation.equity.map((strategy, i) => ({
    time: candles[startIndex + i]?.time ?? 0,
    strategy,
    buyHold: holdEquity[i] ?? 1,
  }));
  return { report, trades: main.simulation.trades, equity };
}
