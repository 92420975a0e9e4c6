import { describe, expect, it } from "vitest";
import { closedSeries, countGaps, resample, type SeriesRules } from "../../../functions/core/candle-checks";
import type { Candle } from "../../../functions/core/candles";
import { CandleRejection } from "../../../functions/core/market-errors";

const HOUR = 3_600_000;
const T0 = Date.parse("2024-03-01T00:00:00Z");
const candle = (hour: number, close = 100, extra: Partial<Candle> = {}): Candle => ({
  time: T0 + hour * HOUR,
  open: close,
  high: close + 1,
  low: close - 1,
  close,
  volume: 5,
  ...extra,
});
const hours = (n: number) => Array.from({ length: n }, (_, h) => candle(h, 100 + h));
const rules = (overrides: Partial<SeriesRules> = {}): SeriesRules => ({
  provider: "coinbase",
  timeframe: "1h",
  now: T0 + 10 * HOUR + 5000,
  limit: 100,
  continuous: true,
  ...overrides,
});

function rejection(candles: Candle[], overrides: Partial<SeriesRules> = {}): string {
  try {
    closedSeries(candles, rules(overrides));
  } catch (error) {
    if (error instanceof CandleRejection) return error.reason;
    throw error;
  }
  throw new Error("expected a rejection");
}

describe("closedSeries", () => {
  it("drops the candle still open at now and keeps the newest `limit` closed ones, oldest first", () => {
    // 11 candles, hours 0..10; at 10:00:05 the 10:00 candle is open.
    const result = closedSeries(hours(11), rules({ limit: 3 }));
    expect(result.candles.map((c) => (c.time - T0) / HOUR)).toEqual([7, 8, 9]);
    expect(result.gaps).toBe(0);
  });

  it.each([
    ["a zero price", candle(8, 100, { close: 0 }), /close 0 is not a positive price/],
    ["a negative price", candle(8, 100, { low: -1 }), /low -1 is not a positive price/],
    ["a non-finite price", candle(8, 100, { high: Number.POSITIVE_INFINITY }), /high Infinity/],
    ["NaN", candle(8, 100, { open: Number.NaN }), /open NaN/],
    ["high below low", candle(8, 100, { high: 90, low: 95 }), /high 90 < low 95/],
    ["negative volume", candle(8, 100, { volume: -3 }), /volume -3/],
    ["an open above the high", candle(8, 100, { open: 102 }), /open 102 is outside \[low 99, high 101\]/],
    ["an open below the low", candle(8, 100, { open: 98.5 }), /open 98.5 is outside \[low 99, high 101\]/],
    [
      "a close above the high",
      candle(8, 100, { close: 101.5 }),
      /close 101.5 is outside \[low 99, high 101\]/,
    ],
    ["a close below the low", candle(8, 100, { close: 98 }), /close 98 is outside \[low 99, high 101\]/],
  ])("rejects %s, naming the time", (_name, bad, reason) => {
    const candles = hours(10);
    candles[8] = bad;
    expect(rejection(candles)).toMatch(reason);
    expect(rejection(candles)).toContain("2024-03-01T08:00:00.000Z");
  });

  it("accepts an open and a close on the edges of [low, high]", () => {
    const candles = hours(10);
    candles[8] = candle(8, 100, { open: 101, close: 99 });
    expect(closedSeries(candles, rules()).candles).toHaveLength(10);
  });

  it("rejects duplicate and out-of-order times", () => {
    const duplicate = [...hours(5), candle(4), candle(5)];
    expect(rejection(duplicate)).toMatch(/duplicate time 2024-03-01T04:00/);
    const swapped = hours(6);
    [swapped[2], swapped[3]] = [swapped[3] as Candle, swapped[2] as Candle];
    expect(rejection(swapped)).toMatch(/out-of-order time 2024-03-01T02:00.* after 2024-03-01T03:00/);
  });

  it("rejects a series whose last close is more than two intervals old", () => {
    // Last candle 07:00 closes at 08:00; at 10:00:05 that is over two hours ago.
    expect(rejection(hours(8))).toMatch(/^stale: last close 2024-03-01T08:00:00.000Z/);
    // Closing at 08:00 is fine at exactly 10:00.
    expect(closedSeries(hours(8), rules({ now: T0 + 10 * HOUR })).candles).toHaveLength(8);
  });

  it("lets a session market be closed over a long weekend without calling it stale", () => {
    const friday = Date.parse("2024-03-01T20:00:00Z");
    const bars = [0, 1, 2].map((i) => candle(0, 100, { time: friday - (3 - i) * HOUR }));
    const monday = Date.parse("2024-03-04T14:00:00Z");
    expect(closedSeries(bars, rules({ now: monday, continuous: false })).gaps).toBe(0);
    expect(() => closedSeries(bars, rules({ now: monday, continuous: true }))).toThrow(/stale/);
  });

  it("rejects an answer with no closed candle", () => {
    expect(rejection([candle(10)])).toBe("no closed candles");
  });

  it("counts intervals without a candle as gaps and never fills them", () => {
    const candles = hours(10).filter((c) => ![3, 4, 7].includes((c.time - T0) / HOUR));
    const result = closedSeries(candles, rules());
    expect(result.candles).toHaveLength(7);
    expect(result.gaps).toBe(3);
    // A missing last interval counts too: 9:00 is the last closed one at 10:00:05.
    expect(countGaps(hours(9), HOUR, T0 + 10 * HOUR + 5000)).toBe(1);
  });
});

describe("resample", () => {
  it("builds 4h candles from 1h ones: first open, max high, min low, last close, summed volume", () => {
    const ones = hours(8).map((c, i) => ({ ...c, high: 200 + i, low: 50 - i }));
    const [first, second] = resample(ones, 4 * HOUR, T0 + 8 * HOUR);
    expect(first).toEqual({ time: T0, open: 100, high: 203, low: 47, close: 103, volume: 20 });
    expect(second).toMatchObject({ time: T0 + 4 * HOUR, open: 104, close: 107, volume: 20 });
  });

  it("drops a bucket not over by now and a first bucket whose start is missing", () => {
    const ones = hours(11).slice(2); // starts at 02:00, mid-bucket
    const built = resample(ones, 4 * HOUR, T0 + 10 * HOUR + 5000);
    expect(built.map((c) => (c.time - T0) / HOUR)).toEqual([4]);
  });

  it("feeds closedSeries, which reports gaps in the built timeframe", () => {
    const ones = hours(24).filter((c) => (c.time - T0) / HOUR < 8 || (c.time - T0) / HOUR >= 12);
    const result = closedSeries(
      ones,
      rules({ timeframe: "4h", sourceStepMs: HOUR, now: T0 + 24 * HOUR + 1000 }),
    );
    expect(result.candles.map((c) => (c.time - T0) / HOUR)).toEqual([0, 4, 12, 16, 20]);
    expect(result.gaps).toBe(1);
  });
});
