import { describe, expect, it } from "vitest";
import type { Candle } from "../../../functions/core/candles";
import { parseConfig } from "../../../functions/core/config";
import { computeFeatures, FEATURE_NAMES } from "../../../functions/core/indicators";
import { hasShared, readSharedJson, sharedMissing } from "../../support/shared";
import { jumpCandles, quietCandles } from "./series";

const gate = parseConfig({}).analyst.gate;
const TALIB = ["data", "indicators", "talib-reference.json"] as const;

interface TalibReference {
  series: { open: number[]; high: number[]; low: number[]; close: number[] };
  expected: Record<string, { values: Record<string, number | Record<string, number>> }>;
}

describe.skipIf(!hasShared(...TALIB))(
  `features against TA-Lib (${sharedMissing(...TALIB)} when skipped)`,
  () => {
    const reference = hasShared(...TALIB) ? readSharedJson<TalibReference>(...TALIB) : undefined;
    const candlesUpTo = (bar: number): Candle[] => {
      const s = reference?.series as TalibReference["series"];
      return s.close.slice(0, bar + 1).map((close, i) => ({
        time: i * 60_000,
        open: s.open[i] as number,
        high: s.high[i] as number,
        low: s.low[i] as number,
        close,
        volume: 1,
      }));
    };
    const expected = (name: string) => Object.entries(reference?.expected[name]?.values ?? {});

    it("matches RSI(14) to 0.01 at every reference bar", () => {
      const bars = expected("RSI(14) on close");
      expect(bars.length).toBeGreaterThan(0);
      for (const [bar, value] of bars) {
        const rsi = computeFeatures(candlesUpTo(Number(bar)), gate).now.rsi ?? Number.NaN;
        expect(Math.abs(rsi - (value as number)), `bar ${bar}`).toBeLessThan(0.01);
      }
    });

    it("matches MACD(12,26,9) to 1e-4, from its first bar (TA-Lib seeding)", () => {
      const bars = expected("MACD(12,26,9) on close");
      expect(bars.length).toBeGreaterThan(0);
      for (const [bar, value] of bars) {
        const { macd, signal } = value as Record<string, number>;
        const features = computeFeatures(candlesUpTo(Number(bar)), gate).now;
        expect(Math.abs((features.macd ?? Number.NaN) - (macd as number))).toBeLessThan(1e-4);
        expect(Math.abs((features.macdSignal ?? Number.NaN) - (signal as number))).toBeLessThan(1e-4);
      }
      // One bar earlier the signal line does not exist yet, as in TA-Lib.
      expect(computeFeatures(candlesUpTo(32), gate).now.macdSignal).toBeNull();
    });

    it("matches BBANDS(20,2) to 1e-4", () => {
      const bars = expected("BBANDS(20,2,SMA) on close");
      expect(bars.length).toBeGreaterThan(0);
      for (const [bar, value] of bars) {
        const { upper, middle, lower } = value as Record<string, number>;
        const features = computeFeatures(candlesUpTo(Number(bar)), gate).now;
        expect(Math.abs((features.bbUpper ?? Number.NaN) - (upper as number))).toBeLessThan(1e-4);
        expect(Math.abs((features.bbMiddle ?? Number.NaN) - (middle as number))).toBeLessThan(1e-4);
        expect(Math.abs((features.bbLower ?? Number.NaN) - (lower as number))).toBeLessThan(1e-4);
      }
    });
  },
);

describe("computeFeatures", () => {
  it("gives every feature a value on a full window, and the previous candle's too", () => {
    const { now, previous, recent } = computeFeatures(quietCandles(250), gate);
    expect(Object.keys(now).sort()).toEqual([...FEATURE_NAMES].sort());
    for (const name of FEATURE_NAMES) {
      expect(now[name], name).not.toBeNull();
      expect(previous[name], name).not.toBeNull();
    }
    expect(recent.at(-1)).toEqual(now);
    expect(recent.at(-2)).toEqual(previous);
    expect(recent).toHaveLength(gate.rearmCandles + 2);
  });

  it("leaves indicators null when the window is shorter than their period", () => {
    const { now } = computeFeatures(quietCandles(30), gate);
    expect(now.smaSlow).toBeNull();
    expect(now.emaSlow).toBeNull();
    expect(now.smaFast).toBeNull();
    expect(now.macdSignal).toBeNull();
    expect(now.rsi).not.toBeNull();
    expect(now.return24).not.toBeNull();
  });

  it("computes returns, the move in ATRs, and the volume z-score of the analysed candle", () => {
    const candles = jumpCandles(250, 2);
    const { now } = computeFeatures(candles, gate);
    const close = (i: number) => (candles.at(i) as Candle).close;
    expect(now.return1).toBeCloseTo(((close(-1) - close(-2)) / close(-2)) * 100, 4);
    expect(now.return4).toBeCloseTo(((close(-1) - close(-5)) / close(-5)) * 100, 4);
    expect(now.return24).toBeCloseTo(((close(-1) - close(-25)) / close(-25)) * 100, 4);
    // ATR of the quiet series is its 0.1 range; a move of 2 is about 20 ATRs.
    expect(now.moveAtr).toBeGreaterThan(15);
    expect(now.volumeZ).toBeGreaterThan(10);
    expect(now.bbPercentB).toBeGreaterThan(1);
    expect(now.rsi).toBeGreaterThan(90);
  });

  it("has no volume z-score when a candle in the window had no trades", () => {
    const candles = quietCandles(60);
    candles[50] = { ...(candles[50] as Candle), volume: 0 };
    expect(computeFeatures(candles, gate).now.volumeZ).toBeNull();
  });
});
