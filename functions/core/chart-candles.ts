import { type Candle, fromTuple } from "./candles";
import type { Signal } from "./signal";
import { timeframeMs } from "./timeframes";

export type StoredChartSignal = Pick<Signal, "timeframe" | "candleTime" | "chartCandles" | "recentCloses">;

/**
 * The candles a row keeps for its chart, oldest first: the OHLCV an alert stores (`ohlc: true`), or,
 * on rows stored before that, its closes alone as flat candles timed back from the signal's candle.
 * Undefined when the row holds fewer than two.
 */
export function storedChartCandles(
  signal: StoredChartSignal,
): { candles: Candle[]; ohlc: boolean } | undefined {
  if (signal.chartCandles && signal.chartCandles.length >= 2)
    return { candles: signal.chartCandles.map(fromTuple), ohlc: true };
  const closes = signal.recentCloses ?? [];
  if (closes.length < 2) return undefined;
  const last = Date.parse(signal.candleTime);
  const step = timeframeMs(signal.timeframe);
  const candles = closes.map((close, i) => ({
    time: last - (closes.length - 1 - i) * step,
    open: close,
    high: close,
    low: close,
    close,
    volume: 0,
  }));
  return { candles, ohlc: false };
}
