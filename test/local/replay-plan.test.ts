import { describe, expect, it } from "vitest";
import { replayTicks, replayTimeframe, ticksNotStored } from "../../local/replay-plan";

const MINUTE = 60_000;
const span = (stepMs: number) => ({ first: 0, last: 100 * stepMs, stepMs });

describe("the timeframe of a replay", () => {
  it("is the data's own spacing when --timeframe is not given, and says so (not the config's 1h)", () => {
    expect(replayTimeframe([span(5 * MINUTE)], undefined, "1h")).toEqual({
      timeframe: "5m",
      note: "Timeframe: 5m, the spacing of the replay's candles (--timeframe sets a coarser one)",
    });
    expect(replayTimeframe([span(5 * MINUTE), span(60 * MINUTE)], undefined, "1m").timeframe).toBe("1h");
  });

  it("is the smallest timeframe built from data spaced between timeframes", () => {
    expect(replayTimeframe([span(30 * MINUTE)], undefined, "1m")).toEqual({
      timeframe: "1h",
      note: "Timeframe: 1h, the smallest built from the replay's own candles (30 min) (--timeframe sets a coarser one)",
    });
    expect(() => replayTimeframe([span(7 * MINUTE)], undefined, "1h")).toThrow(
      "the replay's candles are 7 min apart, and no timeframe of 1m, 5m, 15m, 1h, 4h, 1d is built from them",
    );
  });

  it("is --timeframe when given, built from the data's candles, never finer than they are", () => {
    expect(replayTimeframe([span(5 * MINUTE)], "1h", "1m")).toEqual({ timeframe: "1h" });
    expect(() => replayTimeframe([span(60 * MINUTE)], "5m", "1h")).toThrow(
      "--timeframe 5m is finer than the replay's own candles (1h)",
    );
    expect(() => replayTimeframe([span(10 * MINUTE)], "15m", "1h")).toThrow(
      "--timeframe 15m cannot be built from the replay's own candles (10 min)",
    );
  });

  it("falls back to --timeframe or the given one for a single candle, which has no spacing", () => {
    expect(replayTimeframe([span(0)], undefined, "4h")).toEqual({ timeframe: "4h" });
  });
});

const MIN5 = 5 * 60_000;
const T0 = Date.parse("2023-01-01T00:00:00Z");

describe("replayTicks: the schedule's firings over a replay", () => {
  it("fires once for every candle after the warm-up, the last one included, when times are on the grid", () => {
    const ticks = replayTicks([{ first: T0, last: T0 + 999 * MIN5, stepMs: MIN5 }], "5m", 250);
    expect(ticks).toHaveLength(750);
    // The firing that sees the last candle (opened at T0 + 999 × 5m) closed.
    expect(ticks.at(-1)).toBe(T0 + 1000 * MIN5);
  });

  it("keeps the last close when the file stamps candles a millisecond off the grid (the 999-of-1,000 bug)", () => {
    // Times such as 00:04:59.999, as files written from Binance close times have them.
    const offGrid = MIN5 - 1;
    const ticks = replayTicks(
      [{ first: T0 + offGrid, last: T0 + 999 * MIN5 + offGrid, stepMs: MIN5 }],
      "5m",
      0,
    );
    // The last candle closes at T0 + 1000 × 5m + 4:59.999; the firing after that sees it.
    expect(ticks.at(-1)).toBe(T0 + 1001 * MIN5);
    expect(ticks).toHaveLength(1000);
  });

  it("fires no close for the bucket still running when candles are built up from smaller ones", () => {
    // One-minute data up to 00:57: the hour that began at 00:00 is not complete, so it is no close.
    const ticks = replayTicks([{ first: T0 - 3_600_000, last: T0 + 57 * 60_000, stepMs: 60_000 }], "1h", 0);
    expect(ticks.at(-1)).toBe(T0);
  });
});

describe("ticksNotStored: what a resumed replay still runs", () => {
  const HOUR_MS = 3_600_000;
  const ticks = [1, 2, 3, 4].map((hour) => hour * HOUR_MS);
  // A tick at hour h closes the candle that opened at h - 1.
  const opened = (...hours: number[]) => new Set(hours.map((hour) => hour * HOUR_MS));

  it("skips a tick only when every symbol's close of it is stored", () => {
    const stored = new Map([
      ["BTC-USD", opened(0, 1, 2)],
      ["ETH-USD", opened(0, 2)],
    ]);
    expect(ticksNotStored(ticks, "1h", stored)).toEqual([2 * HOUR_MS, 4 * HOUR_MS]);
  });

  it("runs every tick of a store that holds nothing, and none of one that holds them all", () => {
    expect(ticksNotStored(ticks, "1h", new Map([["BTC-USD", opened()]]))).toEqual(ticks);
    expect(ticksNotStored(ticks, "1h", new Map([["BTC-USD", opened(0, 1, 2, 3)]]))).toEqual([]);
  });
});
