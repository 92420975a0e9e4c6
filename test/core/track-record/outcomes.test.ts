import { describe, expect, it } from "vitest";
import type { Candle } from "../../../functions/core/candles";
import type { ScoredSide } from "../../../functions/core/ports";
import { isoTime } from "../../../functions/core/signal";
import { dueOutcomes, outcomeWindow, withOutcomes } from "../../../functions/core/track-record/outcomes";

const HOUR = 3_600_000;
const T0 = Date.parse("2024-03-01T00:00:00Z");
const HORIZONS = [1, 4, 24];

/** Hourly candles from T0 whose close is 100 + i, so a close names its own candle. */
const candles = (first: number, last: number): Candle[] =>
  Array.from({ length: last - first + 1 }, (_, k) => {
    const close = 100 + first + k;
    return { time: T0 + (first + k) * HOUR, open: close, high: close, low: close, close, volume: 1 };
  });

const side = (candle: number, extra: Partial<ScoredSide> = {}): ScoredSide => ({
  symbol: "BTC-USD",
  timeframe: "1h",
  candleTime: isoTime(T0 + candle * HOUR),
  action: "BUY",
  price: 100 + candle,
  ...extra,
});

describe("outcomeWindow", () => {
  it("spans the signals from the longest horizon to the shortest before the close", () => {
    expect(outcomeWindow(isoTime(T0 + 30 * HOUR), "1h", HORIZONS)).toEqual({
      since: T0 + 6 * HOUR,
      until: T0 + 29 * HOUR,
    });
  });
});

describe("dueOutcomes", () => {
  it("gives each horizon the close of the candle h candles later and the raw return", () => {
    const due = dueOutcomes([side(0), side(2, { action: "SELL", price: 50 })], candles(0, 26), HORIZONS);
    expect(due).toEqual([
      {
        key: { symbol: "BTC-USD", timeframe: "1h", candleTime: isoTime(T0) },
        outcomes: {
          "1": { price: 101, return: 101 / 100 - 1 },
          "4": { price: 104, return: 104 / 100 - 1 },
          "24": { price: 124, return: 124 / 100 - 1 },
        },
      },
      {
        // Raw, not direction-adjusted: a SELL whose price rose has a positive return.
        key: { symbol: "BTC-USD", timeframe: "1h", candleTime: isoTime(T0 + 2 * HOUR) },
        outcomes: {
          "1": { price: 103, return: 103 / 50 - 1 },
          "4": { price: 106, return: 106 / 50 - 1 },
          "24": { price: 126, return: 126 / 50 - 1 },
        },
      },
    ]);
  });

  it("waits for horizons whose candle has not closed, and for gaps", () => {
    const window = candles(0, 5).filter((c) => c.time !== T0 + 4 * HOUR);
    expect(dueOutcomes([side(0)], window, HORIZONS)).toEqual([
      { key: expect.anything(), outcomes: { "1": { price: 101, return: 101 / 100 - 1 } } },
    ]);
  });

  it("leaves out outcomes already stored, and signals with nothing due", () => {
    const scored = side(0, { outcomes: { "1": { price: 999, return: 8.99 } } });
    expect(dueOutcomes([scored], candles(0, 4), HORIZONS)).toEqual([
      { key: expect.anything(), outcomes: { "4": { price: 104, return: 104 / 100 - 1 } } },
    ]);
    const complete = side(0, { outcomes: { "1": scored.outcomes?.["1"] as never } });
    expect(dueOutcomes([complete], candles(0, 3), HORIZONS)).toEqual([]);
  });

  it("scores only BUY and SELL", () => {
    const window = candles(0, 30);
    expect(
      dueOutcomes([side(0, { action: "HOLD" }), side(1, { action: "ABSTAIN" })], window, HORIZONS),
    ).toEqual([]);
  });

  it("follows the signal's timeframe and the configured horizons", () => {
    const daily = side(0, { timeframe: "1d" });
    const window = candles(0, 48); // hourly closes: the one 2 days on is candle 48
    expect(dueOutcomes([daily], window, [2])).toEqual([
      { key: expect.anything(), outcomes: { "2": { price: 148, return: 148 / 100 - 1 } } },
    ]);
  });
});

describe("withOutcomes", () => {
  it("adds missing horizons and keeps the stored ones", () => {
    const signal = {
      ...side(0),
      reasons: [],
      analyst: "rules" as const,
      indicators: {},
      triggers: [],
      provider: "replay",
      alert: false,
      createdAt: isoTime(T0 + HOUR),
      outcomes: { "1": { price: 101, return: 0.01 } },
    };
    expect(
      withOutcomes(signal, { "1": { price: 5, return: -0.95 }, "4": { price: 104, return: 0.04 } }).outcomes,
    ).toEqual({ "1": { price: 101, return: 0.01 }, "4": { price: 104, return: 0.04 } });
  });
});
