import { describe, expect, it } from "vitest";
import { replayTicks } from "../../local/replay-plan";

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
