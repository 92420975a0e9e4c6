import type { AnalysisRequest } from "../../../functions/core/analysis-request";
import type { Candle, CandleTuple } from "../../../functions/core/candles";
import { toTuple } from "../../../functions/core/candles";
import { isoTime } from "../../../functions/core/signal";

/** Synthetic series for analyst tests: a quiet drift the gate ignores, and a jump it cannot. */
export const HOUR = 3_600_000;
export const T0 = Date.parse("2024-03-01T00:00:00Z");

/** `n` hourly candles drifting up by 0.01 with a steady 0.1 range and gently varying volume. */
export function quietCandles(n = 250, start = T0): Candle[] {
  return Array.from({ length: n }, (_, i) => {
    const close = 100 + 0.01 * i;
    return {
      time: start + i * HOUR,
      open: close - 0.01,
      high: close + 0.05,
      low: close - 0.05,
      close,
      volume: 100 + 10 * Math.sin(i),
    };
  });
}

/** The quiet series whose last candle jumps `move` (in price) on ten times the volume. */
export function jumpCandles(n = 250, move = 2): Candle[] {
  const candles = quietCandles(n);
  const last = candles[n - 1] as Candle;
  const before = candles[n - 2] as Candle;
  const close = before.close + move;
  candles[n - 1] = {
    ...last,
    open: before.close,
    high: Math.max(before.close, close) + 0.05,
    low: Math.min(before.close, close) - 0.05,
    close,
    volume: 1000,
  };
  return candles;
}

export function requestFor(candles: Candle[], symbol = "BTC-USD"): AnalysisRequest {
  const last = candles.at(-1) as Candle;
  return {
    v: 1,
    symbol,
    timeframe: "1h",
    candleTime: isoTime(last.time),
    provider: "coinbase",
    gaps: 0,
    candles: candles.map(toTuple) as CandleTuple[],
  };
}
