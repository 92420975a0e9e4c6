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
 * The first firing that sees the data's last `timeframe` candle closed. A candle of the data's own
 * length closes at `last + stepMs`; when its times are off the UTC grid (e.g. 00:04:59.999 or 00:00:30)
 * that lies between two firings, and it is the later one that sees it. A candle built from smaller ones
 * is complete only up to the last grid time the data reaches; the bucket still running there is no close.
 */
function lastTick(span: SeriesSpan, step: number): number {
  const end = span.last + span.stepMs;
  return (span.stepMs === step ? Math.ceil(end / step) : Math.floor(end / step)) * step;
}

/**
 * The schedule's firings over a replay: every `timeframe` close (UTC-aligned, as the Scheduler fires)
 * after `warmupCandles` of history, up to the firing that sees the last candle of the data closed.
 */
export function replayTicks(spans: SeriesSpan[], timeframe: Timeframe, warmupCandles: number): number[] {
  const step = timeframeMs(timeframe);
  const ticks = new Set<number>();
  for (const span of spans) {
    const firstClose = Math.ceil((span.first + step) / step) * step + warmupCandles * step;
    const lastClose = lastTick(span, step);
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
