// The features as computed before indicator-series.ts: trading-signals' streaming classes over the
// whole window at every close. Kept only as the reference the fast path must equal, and for
// bench/features.ts's old-vs-new ratio.
import { ATR, BollingerBands, EMA, getPercentageChange, getZScore, RSI, SMA } from "trading-signals";
import type { Candle } from "../../functions/core/candles";
import type { GateConfig } from "../../functions/core/config";
import {
  ATR_PERIOD,
  BOLLINGER,
  type FeatureSnapshot,
  type Features,
  MACD_PERIODS,
  SIGNIFICANT_DIGITS,
  VOLUME_WINDOW,
} from "../../functions/core/indicators";

type Series = Array<number | null>;

/**
 * EMA seeded with the SMA of its first `period` inputs (TA-Lib, LEAN and most charting tools do
 * this; trading-signals' EMA starts from the first price), so short windows give standard values.
 * `start` is the index the seed window begins at.
 */
export function seededEma(values: Series, period: number, start = 0): Series {
  const out: Series = values.map(() => null);
  const seed = new SMA(period);
  const ema = new EMA(period);
  let seeded = false;
  for (let i = start; i < values.length; i++) {
    const value = values[i];
    if (value === null || value === undefined) continue;
    if (!seeded) {
      const average = seed.add(value);
      if (average === null) continue;
      ema.add(average);
      seeded = true;
      out[i] = average;
    } else {
      out[i] = ema.add(value);
    }
  }
  return out;
}

export const streamed = <I>(inputs: I[], indicator: { add(input: I): number | null }): Series =>
  inputs.map((input) => indicator.add(input));

/** MACD as TA-Lib computes it: the fast EMA starts on the slow EMA's first bar. */
export function macdSeries(closes: number[]) {
  const { fast, slow, signal } = MACD_PERIODS;
  const slowEma = seededEma(closes, slow);
  const fastEma = seededEma(closes, fast, slow - fast);
  const line: Series = closes.map((_, i) => {
    const f = fastEma[i];
    const s = slowEma[i];
    return f === null || f === undefined || s === null || s === undefined ? null : f - s;
  });
  const signalLine = seededEma(line, signal);
  return { line, signalLine };
}

function percentChange(closes: number[], index: number, candles: number): number | null {
  const base = closes[index - candles];
  const value = closes[index];
  return base === undefined || value === undefined ? null : getPercentageChange(base, value);
}

/**
 * Z-score of this candle's log volume against the previous `VOLUME_WINDOW` candles'. Volume is
 * roughly log-normal: on raw volume a quiet window turns ordinary candles into "spikes".
 */
function volumeZ(volumes: number[], index: number): number | null {
  if (index < VOLUME_WINDOW) return null;
  const window = volumes.slice(index - VOLUME_WINDOW, index + 1);
  if (window.some((volume) => !(volume > 0))) return null; // a candle without trades has no log
  const logs = window.map(Math.log);
  const current = logs.pop() as number;
  try {
    return getZScore(logs, current);
  } catch {
    return null; // a window without variance has no z-score
  }
}

const round = (value: number | null | undefined): number | null =>
  value === null || value === undefined || !Number.isFinite(value)
    ? null
    : Number(value.toPrecision(SIGNIFICANT_DIGITS));

/** computeFeatures as it was before functions/core/indicator-series.ts, streaming trading-signals. */
export function referenceFeatures(candles: readonly Candle[], gate: GateConfig): Features {
  const closes = candles.map((c) => c.close);
  const volumes = candles.map((c) => c.volume);
  const rsi = streamed(closes, new RSI(gate.rsiPeriod));
  const bollinger = new BollingerBands(BOLLINGER.period, BOLLINGER.deviations);
  const bandSeries = closes.map((close) => bollinger.add(close));
  const atr = streamed(
    candles.map((c) => ({ high: c.high, low: c.low, close: c.close })),
    new ATR(ATR_PERIOD),
  );
  const smaFast = streamed(closes, new SMA(gate.maCross.fast));
  const smaSlow = streamed(closes, new SMA(gate.maCross.slow));
  const emaFast = seededEma(closes, gate.maCross.fast);
  const emaSlow = seededEma(closes, gate.maCross.slow);
  const macd = macdSeries(closes);

  const snapshotAt = (i: number): FeatureSnapshot => {
    const close = closes[i] ?? null;
    const band = i >= 0 ? bandSeries[i] : null;
    const atrNow = atr[i] ?? null;
    const atrBefore = atr[i - 1] ?? null;
    const closeBefore = closes[i - 1];
    const line = macd.line[i] ?? null;
    const signal = macd.signalLine[i] ?? null;
    const width = band ? band.upper - band.lower : 0;
    return {
      close: round(close),
      rsi: round(rsi[i]),
      macd: round(line),
      macdSignal: round(signal),
      macdHist: line === null || signal === null ? null : round(line - signal),
      bbUpper: round(band?.upper),
      bbMiddle: round(band?.middle),
      bbLower: round(band?.lower),
      bbPercentB: band && close !== null && width > 0 ? round((close - band.lower) / width) : null,
      smaFast: round(smaFast[i]),
      smaSlow: round(smaSlow[i]),
      emaFast: round(emaFast[i]),
      emaSlow: round(emaSlow[i]),
      atr: round(atrNow),
      atrPct: atrNow !== null && close ? round((atrNow / close) * 100) : null,
      volumeZ: round(volumeZ(volumes, i)),
      return1: round(percentChange(closes, i, 1)),
      return4: round(percentChange(closes, i, 4)),
      return24: round(percentChange(closes, i, 24)),
      moveAtr:
        atrBefore && close !== null && closeBefore !== undefined
          ? round((close - closeBefore) / atrBefore)
          : null,
    };
  };
  const last = candles.length - 1;
  const recent: FeatureSnapshot[] = [];
  for (let i = Math.max(0, last - gate.rearmCandles - 1); i <= last; i++) recent.push(snapshotAt(i));
  return { now: snapshotAt(last), previous: snapshotAt(last - 1), recent };
}
