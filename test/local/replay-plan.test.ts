import { describe, expect, it } from "vitest";
import { replayTimeframe } from "../../local/replay-plan";

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
