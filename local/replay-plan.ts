import type { Candle } from "../functions/core/candles";
import { type Timeframe, timeframeMs } from "../functions/core/timeframes";

export interface SeriesSpan {
  /** Open time of the first and last candle, epoch ms. */
  first: number;
  last: number;
  /** The data's own candle length, ms. */
  stepMs: number;
}

export const spanOf = (candles: readonly Candle[], stepMs: number): SeriesSpan | undefined => {
  const first = candles[0];
  const last = candles.at(-1);
  return first && last ? { first: first.time, last: last.time, stepMs } : undefined;
};

/**
 * The schedule's firings over a replay: every `timeframe` close (UTC-aligned, as the Scheduler fires)
 * after `warmupCandles` of history, up to the close of the last candle in the data.
 */
export function replayTicks(spans: SeriesSpan[], timeframe: Timeframe, warmupCandles: number): number[] {
  const step = timeframeMs(timeframe);
  const ticks = new Set<number>();
  for (const span of spans) {
    const firstClose = Math.ceil((span.first + step) / step) * step + warmupCandles * step;
    const lastClose = Math.floor((span.last + span.stepMs) / step) * step;
    for (let close = firstClose; close <= lastClose; close += step) ticks.add(close);
  }
  return [...ticks].sort((a, b) => a - b);
}

/** Candles of warm-up before the first tick: the lookback, or half the data when it is not longer. */
export function warmupFor(spans: SeriesSpan[], timeframe: Timeframe, lookbackCandles: number): number {
  const step = timeframeMs(timeframe);
  const shortest = Math.min(
    ...spans.map((span) => Math.floor((span.last + span.stepMs - span.first) / step)),
  );
  return shortest > lookbackCandles ? lookbackCandles : Math.floor(shortest / 2);
}
