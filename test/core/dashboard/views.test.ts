import { describe, expect, it } from "vitest";
import type { CandleTuple } from "../../../functions/core/candles";
import { candlesFromSignals } from "../../../functions/core/dashboard/views";
import type { Signal } from "../../../functions/core/signal";
import { sampleSignal } from "../../support/telegram-fixtures";

const HOUR = 3_600_000;
const T0 = Date.parse("2024-03-05T10:00:00Z");
const seconds = (ms: number) => ms / 1000;

/** A stored HOLD at the candle opening `hours` after T0, closing at `price`. */
const hold = (hours: number, price: number, overrides: Partial<Signal> = {}) =>
  sampleSignal({
    candleTime: new Date(T0 + hours * HOUR).toISOString(),
    price,
    action: "HOLD",
    alert: false,
    recentCloses: undefined,
    ...overrides,
  });

/** Newest first, as the store's history returns them. */
const newestFirst = (...signals: Signal[]) => [...signals].reverse();

describe("candlesFromSignals", () => {
  it("makes each candle from the previous close to its own, at its close time, and opens after a gap at its close", () => {
    const candles = candlesFromSignals(
      newestFirst(hold(0, 100), hold(1, 104), hold(2, 101), hold(4, 99)),
      HOUR,
    );
    expect(candles).toEqual([
      { time: seconds(T0 + HOUR), open: 100, high: 100, low: 100, close: 100 },
      { time: seconds(T0 + 2 * HOUR), open: 100, high: 104, low: 100, close: 104 },
      { time: seconds(T0 + 3 * HOUR), open: 104, high: 104, low: 101, close: 101 },
      { time: seconds(T0 + 5 * HOUR), open: 99, high: 99, low: 99, close: 99 },
    ]);
  });

  it("draws the OHLCV an alert row stores where it covers a candle, closes elsewhere, and nothing before the oldest signal", () => {
    const stored: CandleTuple[] = [
      [T0 - HOUR, 90, 95, 88, 92, 10], // before the oldest signal: left out
      [T0, 98, 103, 97, 100, 12],
      [T0 + HOUR, 100, 107, 99, 104, 30],
    ];
    const alert = hold(1, 104, { action: "BUY", alert: true, chartCandles: stored });
    const candles = candlesFromSignals(newestFirst(hold(0, 100), alert, hold(2, 101)), HOUR);
    expect(candles).toEqual([
      { time: seconds(T0 + HOUR), open: 98, high: 103, low: 97, close: 100 },
      { time: seconds(T0 + 2 * HOUR), open: 100, high: 107, low: 99, close: 104 },
      { time: seconds(T0 + 3 * HOUR), open: 104, high: 104, low: 101, close: 101 },
    ]);
  });

  it("keeps to the closes for an alert stored before chartCandles (recentCloses only)", () => {
    const old = hold(1, 104, { action: "BUY", alert: true, recentCloses: [50, 60, 104] });
    const candles = candlesFromSignals(newestFirst(hold(0, 100), old), HOUR);
    expect(candles).toEqual([
      { time: seconds(T0 + HOUR), open: 100, high: 100, low: 100, close: 100 },
      { time: seconds(T0 + 2 * HOUR), open: 100, high: 104, low: 100, close: 104 },
    ]);
  });

  it("is empty without signals", () => {
    expect(candlesFromSignals([], HOUR)).toEqual([]);
  });
});
