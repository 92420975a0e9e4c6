import { getPercentageChange } from "trading-signals";
import type { Candle } from "./candles";
import type { GateConfig } from "./config";
import { bollingerAt, Macd, meanAt, SeededEma, WilderAtr, WilderRsi, zScoreAt } from "./indicator-series";
import type { ChartOverlays } from "./signal";
import { roundSignificant } from "./significant";

/**
 * The feature snapshot a verdict is made on: compact numbers, stored with every signal as
 * `indicators` and sent to the LLM instead of raw candles. Null where the window is too short.
 */
export type FeatureSnapshot = Record<FeatureName, number | null>;

export const FEATURE_NAMES = [
  "close",
  "rsi",
  "macd",
  "macdSignal",
  "macdHist",
  "bbUpper",
  "bbMiddle",
  "bbLower",
  /** Where the close sits in the bands: 0 = lower, 1 = upper. */
  "bbPercentB",
  "smaFast",
  "smaSlow",
  "emaFast",
  "emaSlow",
  "atr",
  /** ATR as a percentage of the close. */
  "atrPct",
  /** Z-score of this candle's log volume against the previous `VOLUME_WINDOW` candles. */
  "volumeZ",
  /** Percentage change of the close over 1, 4 and 24 candles. */
  "return1",
  "return4",
  "return24",
  /** This candle's close-to-close move in units of the previous candle's ATR. */
  "moveAtr",
] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];

/**
 * The analysed candle's features and the previous candle's, so the gate can see crossings, and the
 * last few candles' snapshots (oldest first, ending with `now`) so it can tell a fresh event from a
 * repeat.
 */
export interface Features {
  now: FeatureSnapshot;
  previous: FeatureSnapshot;
  recent: FeatureSnapshot[];
}

export const MACD_PERIODS = { fast: 12, slow: 26, signal: 9 } as const;
export const BOLLINGER = { period: 20, deviations: 2 } as const;
export const ATR_PERIOD = 14;
export const VOLUME_WINDOW = 20;
/** Significant digits kept: enough for TA-Lib agreement, small enough for a compact record. */
export const SIGNIFICANT_DIGITS = 7;

/** The snapshot at `index` of a window's series; null where the window does not reach. */
type SnapshotAt = (index: number) => FeatureSnapshot;

function percentChange(closes: ArrayLike<number>, index: number, candles: number): number | null {
  const base = closes[index - candles];
  const close = closes[index];
  return base === undefined || close === undefined ? null : getPercentageChange(base, close);
}

/**
 * Z-score of this candle's log volume against the previous `VOLUME_WINDOW` candles'. Volume is
 * roughly log-normal: on raw volume a quiet window turns ordinary candles into "spikes".
 */
function volumeZ(candles: readonly Candle[], index: number): number {
  if (index < VOLUME_WINDOW || index >= candles.length) return Number.NaN;
  const logs: number[] = [];
  for (let j = index - VOLUME_WINDOW; j <= index; j++) {
    const volume = (candles[j] as Candle).volume;
    if (!(volume > 0)) return Number.NaN; // a candle without trades has no log
    logs.push(Math.log(volume));
  }
  return zScoreAt(logs, VOLUME_WINDOW, VOLUME_WINDOW);
}

/** Rounded to `SIGNIFICANT_DIGITS`; null for a missing (NaN) or infinite value. */
const round = (value: number | null | undefined): number | null =>
  value === null || value === undefined || !Number.isFinite(value)
    ? null
    : roundSignificant(value, SIGNIFICANT_DIGITS);

/**
 * The streaming indicators fed every candle of the window, their values kept from candle `from`
 * on (the oldest a snapshot reads), and the snapshot of any candle from `from + 1` on.
 */
function windowSnapshots(candles: readonly Candle[], gate: GateConfig, from: number): SnapshotAt {
  const count = candles.length;
  const kept = Math.max(0, count - from);
  const closes = new Array<number>(count);
  const [rsi, atr, emaFast, emaSlow, macdLine, macdSignal] = Array.from({ length: 6 }, () =>
    new Array<number>(kept).fill(Number.NaN),
  ) as [number[], number[], number[], number[], number[], number[]];
  const rsiOf = new WilderRsi(gate.rsiPeriod);
  const atrOf = new WilderAtr(ATR_PERIOD);
  const emaFastOf = new SeededEma(gate.maCross.fast);
  const emaSlowOf = new SeededEma(gate.maCross.slow);
  const macdOf = new Macd(MACD_PERIODS.fast, MACD_PERIODS.slow, MACD_PERIODS.signal);
  for (let i = 0; i < count; i++) {
    const { high, low, close } = candles[i] as Candle;
    closes[i] = close;
    const rsiNow = rsiOf.add(close);
    const atrNow = atrOf.add(high, low, close);
    const emaFastNow = emaFastOf.add(close);
    const emaSlowNow = emaSlowOf.add(close);
    macdOf.add(close);
    if (i < from) continue;
    const at = i - from;
    rsi[at] = rsiNow;
    atr[at] = atrNow;
    emaFast[at] = emaFastNow;
    emaSlow[at] = emaSlowNow;
    macdLine[at] = macdOf.line;
    macdSignal[at] = macdOf.signal;
  }
  const value = (series: number[], index: number): number =>
    index >= from && index < count ? (series[index - from] as number) : Number.NaN;

  return (i) => {
    const close = i >= 0 && i < count ? (closes[i] as number) : null;
    const band = bollingerAt(closes, i, BOLLINGER.period, BOLLINGER.deviations);
    const atrNow = value(atr, i);
    const atrBefore = value(atr, i - 1);
    const closeBefore = i >= 1 ? closes[i - 1] : undefined;
    const line = value(macdLine, i);
    const signal = value(macdSignal, i);
    const width = band.upper - band.lower;
    return {
      close: round(close),
      rsi: round(value(rsi, i)),
      macd: round(line),
      macdSignal: round(signal),
      macdHist: round(line - signal),
      bbUpper: round(band.upper),
      bbMiddle: round(band.middle),
      bbLower: round(band.lower),
      bbPercentB: close !== null && width > 0 ? round((close - band.lower) / width) : null,
      smaFast: round(meanAt(closes, i, gate.maCross.fast)),
      smaSlow: round(meanAt(closes, i, gate.maCross.slow)),
      emaFast: round(value(emaFast, i)),
      emaSlow: round(value(emaSlow, i)),
      atr: round(atrNow),
      atrPct: close ? round((atrNow / close) * 100) : null,
      volumeZ: round(volumeZ(candles, i)),
      return1: round(percentChange(closes, i, 1)),
      return4: round(percentChange(closes, i, 4)),
      return24: round(percentChange(closes, i, 24)),
      moveAtr:
        atrBefore && close !== null && closeBefore !== undefined
          ? round((close - closeBefore) / atrBefore)
          : null,
    };
  };
}

/**
 * Computes the features of the last candle of `candles` (oldest first), of the one before it, and
 * of the gate's `rearmCandles` before that. Indicators whose period exceeds the window are null.
 * `recent` is computed when first read: the gate reads it only when the analysed candle triggers,
 * and most closes do not.
 */
export function computeFeatures(candles: readonly Candle[], gate: GateConfig): Features {
  const last = candles.length - 1;
  const oldest = Math.max(0, last - gate.rearmCandles - 1);
  // moveAtr reads the ATR of the candle before the oldest snapshot.
  const snapshotAt = windowSnapshots(candles, gate, Math.max(0, oldest - 1));
  const now = snapshotAt(last);
  const previous = snapshotAt(last - 1);
  let recent: FeatureSnapshot[] | undefined;
  return {
    now,
    previous,
    get recent() {
      if (!recent) {
        recent = [];
        for (let i = oldest; i < last - 1; i++) recent.push(snapshotAt(i));
        if (last >= 1) recent.push(previous);
        if (last >= 0) recent.push(now);
      }
      return recent;
    },
  };
}

/**
 * The lines an alert's chart draws over its last `count` candles, computed on the whole window the
 * gate saw: the Bollinger bands when the band trigger is on, and the averages of the moving-average
 * cross (the EMAs when an EMA cross fired, otherwise the SMAs) when it is on.
 */
export function chartOverlaysOf(
  candles: readonly Candle[],
  gate: GateConfig,
  count: number,
  triggerIds: readonly string[],
): ChartOverlays {
  const first = Math.max(0, candles.length - count);
  const snapshotAt = windowSnapshots(candles, gate, Math.max(0, first - 1));
  const snapshots: FeatureSnapshot[] = [];
  for (let i = first; i < candles.length; i++) snapshots.push(snapshotAt(i));
  const series = (name: FeatureName) => snapshots.map((snapshot) => snapshot[name]);
  const ema = triggerIds.some((id) => id.startsWith("ema-"));
  return {
    ...(gate.bandBreakMargin === null
      ? {}
      : {
          bollinger: {
            period: BOLLINGER.period,
            deviations: BOLLINGER.deviations,
            upper: series("bbUpper"),
            middle: series("bbMiddle"),
            lower: series("bbLower"),
          },
        }),
    movingAverages: gate.maCross.enabled
      ? [
          {
            kind: ema ? "EMA" : "SMA",
            period: gate.maCross.fast,
            values: series(ema ? "emaFast" : "smaFast"),
          },
          {
            kind: ema ? "EMA" : "SMA",
            period: gate.maCross.slow,
            values: series(ema ? "emaSlow" : "smaSlow"),
          },
        ]
      : [],
  };
}
