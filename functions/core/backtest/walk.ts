import { setTimeout as sleep } from "node:timers/promises";
import { type AnalysisInput, type AnalysisPorts, analyseCandles } from "../analyse";
import type { Candle } from "../candles";
import type { Config } from "../config";
import { errorMessage } from "../errors";
import { isoTime, type Signal } from "../signal";
import { tradesContinuously } from "../symbols";
import { type Timeframe, timeframeMs } from "../timeframes";

/** One analysed close of a walk: the signal the live use case stored for it. */
export interface WalkStep {
  /** Index of the analysed candle in the walked series. */
  index: number;
  signal: Signal;
  llmCalled: boolean;
}

export interface WalkInput {
  symbol: string;
  timeframe: Timeframe;
  /** The whole series at `timeframe`, oldest first. */
  candles: readonly Candle[];
  config: Config;
  /** Called after each close, for a progress bar. */
  onStep?: (step: WalkStep) => void;
  /** Tries per close when the LLM fails transiently, as SQS would redeliver (default 5). */
  attempts?: number;
  /** Waits between tries; the default backs off 1 s, 2 s, 4 s... */
  pause?: (attempt: number) => Promise<void>;
}

const backOff = (attempt: number) => sleep(1000 * 2 ** (attempt - 1));

/** Seconds after a candle's close at which the schedule would fire: the live fetcher's moment. */
const TICK_DELAY_MS = 5_000;

/** Index of the first close a walk analyses: the first with a full lookback window behind it. */
export const firstAnalysedIndex = (candleCount: number, lookback: number) =>
  Math.min(lookback - 1, Math.max(0, candleCount - 1));

/**
 * Walks a series forward through the live use case, one close at a time: each request carries only
 * the `lookbackCandles` candles up to that close (no look-ahead by construction), the clock reads that
 * close's schedule time, and the ports are the caller's (in memory for a backtest). Same features,
 * gate, verdict, alert policy and store semantics as the analyst Lambda.
 */
export async function walkForward(
  input: WalkInput,
  ports: Omit<AnalysisPorts, "clock">,
): Promise<WalkStep[]> {
  const { candles, config, symbol, timeframe } = input;
  const lookback = config.lookbackCandles;
  const step = timeframeMs(timeframe);
  const continuous = tradesContinuously(symbol);
  let now = 0;
  const walkPorts: AnalysisPorts = { ...ports, clock: { now: () => now } };
  const steps: WalkStep[] = [];
  for (let i = firstAnalysedIndex(candles.length, lookback); i < candles.length; i++) {
    // The series' own candle objects: a window is a slice of references, not a copy of each candle.
    const window = candles.slice(Math.max(0, i + 1 - lookback), i + 1);
    const first = window[0]?.time ?? 0;
    const last = window.at(-1)?.time ?? 0;
    const request: AnalysisInput = {
      v: 1,
      symbol,
      timeframe,
      candleTime: isoTime(last),
      provider: "backtest",
      // As the fetcher counts them: missing intervals inside the window, for markets that never close.
      gaps: continuous ? Math.max(0, Math.round((last - first) / step) + 1 - window.length) : 0,
      candles: window,
    };
    now = last + step + TICK_DELAY_MS;
    const attempts = input.attempts ?? 5;
    let result: Awaited<ReturnType<typeof analyseCandles>> | undefined;
    for (let attempt = 1; !result; attempt++) {
      try {
        result = await analyseCandles(request, config, walkPorts, {
          deliveryId: `backtest-${i}`,
          leaseMs: 60_000,
        });
      } catch (error) {
        if (attempt >= attempts)
          throw new Error(
            `the close of ${request.candleTime} failed ${attempts} times: ${errorMessage(error)}`,
          );
        await (input.pause ?? backOff)(attempt);
      }
    }
    if (result.status === "exists") continue; // a resumed walk over a kept store
    const done: WalkStep = { index: i, signal: result.signal, llmCalled: result.llmCalled };
    steps.push(done);
    input.onStep?.(done);
  }
  return steps;
}
