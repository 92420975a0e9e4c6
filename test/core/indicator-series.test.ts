import { ATR, BollingerBands, getZScore, RSI, SMA } from "trading-signals";
import { describe, expect, it } from "vitest";
import { loadLeanCsv, loadPandasJson } from "../../bench/shared-series";
import type { Candle } from "../../functions/core/candles";
import { parseConfig } from "../../functions/core/config";
import {
  bollingerAt,
  Macd,
  meanAt,
  SeededEma,
  WilderAtr,
  WilderRsi,
  zScoreAt,
} from "../../functions/core/indicator-series";
import { computeFeatures, type Features, MACD_PERIODS } from "../../functions/core/indicators";
import { sampleSeries } from "../../local/sample-series";
import { hasShared, sharedMissing } from "../support/shared";
import {
  seededEma as referenceEma,
  referenceFeatures,
  macdSeries as referenceMacd,
  streamed,
} from "./indicator-series-reference";

const gate = parseConfig({}).analyst.gate;
const LOOKBACK = parseConfig({}).lookbackCandles;
const NOW = Date.parse("2024-06-01T00:00:00Z");

/** NaN (no value yet) as the reference's null, so series compare exactly. */
const asNullable = (series: ArrayLike<number>) =>
  Array.from(series, (value) => (Number.isNaN(value) ? null : value));

/** A synthetic market: trends, ranges and shocks, 400 hourly candles. */
const market = sampleSeries("BTC-USD", "1h", 400, NOW);

/** The corners: flat prices (no losses, no band width, no variance), a gap in trades, a step up. */
const corners: Candle[] = Array.from({ length: 120 }, (_, i) => {
  const close = i < 60 ? 100 : 100 + (i % 7 === 0 ? -1 : 2);
  return {
    time: i * 3_600_000,
    open: close,
    high: close + 1,
    low: close - 1,
    close,
    volume: i === 70 ? 0 : 5,
  };
});

/**
 * The candles ending at each index the walk would analyse (`every`th, plus the first and last
 * `edges`), as the lookback window the live path receives.
 */
function windowsOf(candles: readonly Candle[], every = 1, edges = 0): Candle[][] {
  const out: Candle[][] = [];
  for (let i = 0; i < candles.length; i++)
    if (i % every === 0 || i < edges || i >= candles.length - edges)
      out.push(candles.slice(Math.max(0, i + 1 - LOOKBACK), i + 1));
  return out;
}

const plain = (features: Features) => ({
  now: features.now,
  previous: features.previous,
  recent: features.recent,
});

/** The first window whose features differ from the reference's, or undefined. */
function firstDifference(windows: Candle[][]) {
  for (const window of windows) {
    const fast = plain(computeFeatures(window, gate));
    const reference = plain(referenceFeatures(window, gate));
    if (JSON.stringify(fast) !== JSON.stringify(reference))
      return { candleTime: new Date((window.at(-1) as Candle).time).toISOString(), fast, reference };
  }
  return undefined;
}

const BTC_5M = ["data", "ohlcv", "binance-BTCUSDT-5m-2023-01_02.json"] as const;
const BTC_1H = ["data", "ohlcv", "binance-BTCUSDT-1h-2018-05-01_05.csv"] as const;
const btc5m = hasShared(...BTC_5M) ? loadPandasJson(BTC_5M[2]) : [];

describe("indicator series against trading-signals, value for value", () => {
  const series: Array<[string, Candle[]]> = [
    ["a synthetic market", market],
    ["flat and stepped prices", corners],
  ];
  // The whole real series in one pass (the values before rounding, where one ulp would show).
  if (btc5m.length > 0) series.push(["BTC 5m 2023", btc5m]);
  else it.skip(`on BTC 5m 2023: ${sharedMissing(...BTC_5M)}`, () => {});
  for (const [name, candles] of series) {
    const closes = candles.map((c) => c.close);
    it(`RSI, ATR, SMA, seeded EMA and MACD on ${name}`, () => {
      const rsi = new WilderRsi(14);
      expect(asNullable(closes.map((close) => rsi.add(close)))).toEqual(streamed(closes, new RSI(14)));
      const atr = new WilderAtr(14);
      expect(asNullable(candles.map((c) => atr.add(c.high, c.low, c.close)))).toEqual(
        streamed(candles, new ATR(14)),
      );
      expect(asNullable(closes.map((_, i) => meanAt(closes, i, 50)))).toEqual(streamed(closes, new SMA(50)));
      const ema = new SeededEma(50);
      expect(asNullable(closes.map((close) => ema.add(close)))).toEqual(referenceEma(closes, 50));
      const { fast, slow, signal } = MACD_PERIODS;
      const macd = new Macd(fast, slow, signal);
      const lines = closes.map((close) => {
        macd.add(close);
        return [macd.line, macd.signal];
      });
      const reference = referenceMacd(closes);
      expect(asNullable(lines.map(([line]) => line as number))).toEqual(reference.line);
      expect(asNullable(lines.map(([, signalLine]) => signalLine as number))).toEqual(reference.signalLine);
    });

    it(`Bollinger bands and the z-score on ${name}`, () => {
      const bands = new BollingerBands(20, 2);
      for (let i = 0; i < closes.length; i++) {
        const expected = bands.add(closes[i] as number);
        const band = bollingerAt(closes, i, 20, 2);
        expect(asNullable([band.upper, band.middle, band.lower])).toEqual(
          expected ? [expected.upper, expected.middle, expected.lower] : [null, null, null],
        );
        if (i < 20) continue;
        const window = closes.slice(i - 20, i);
        let z: number | null;
        try {
          z = getZScore(window, closes[i]);
        } catch {
          z = null; // no variance
        }
        expect(asNullable([zScoreAt(closes, i, 20)])).toEqual([z]);
      }
    });
  }
});

describe("computeFeatures equals the trading-signals reference on every window", () => {
  it("of a synthetic market, of flat and stepped prices, and of windows shorter than every period", () => {
    expect(firstDifference(windowsOf(market))).toBeUndefined();
    expect(firstDifference(windowsOf(corners))).toBeUndefined();
    expect(firstDifference([[], ...windowsOf(market.slice(0, 40))])).toBeUndefined();
  });

  it.skipIf(!hasShared(...BTC_5M))(
    `of BTC 5m 2023, every 9th close and the first and last 200 (${sharedMissing(...BTC_5M)} when skipped)`,
    () => {
      const windows = windowsOf(btc5m, 9, 200);
      expect(windows.length).toBeGreaterThan(1_500);
      expect(firstDifference(windows)).toBeUndefined();
    },
    // Pure CPU: ~7 s alone, 38 s beside a second suite on 2 cores. No speed is asserted here.
    120_000,
  );

  it.skipIf(!hasShared(...BTC_1H))(
    `of BTC 1h May 2018, every close (${sharedMissing(...BTC_1H)} when skipped)`,
    () => {
      const windows = windowsOf(loadLeanCsv(BTC_1H[2]));
      expect(windows.length).toBeGreaterThan(100);
      expect(firstDifference(windows)).toBeUndefined();
    },
  );
});
