/**
 * Indicators over one window of candles with plain arrays, one pass each. Every value is the same
 * float arithmetic, in the same order, as trading-signals' streaming classes (SMA, EMA, WSMA, RSI,
 * ATR, BollingerBands, getZScore), so the results are bit-identical to theirs; what goes is the
 * object per input and the array shifting, which made features cost over a millisecond per close.
 * A series holds NaN where the indicator has no value yet (the window is too short).
 */
export type Series = number[];

/** Plain arrays, not typed ones: a typed array's off-heap buffer costs more than this math. */
const nanSeries = (length: number): Series => new Array<number>(length).fill(Number.NaN);

/** Mean of `values[end - period + 1 .. end]`, summed oldest first as trading-signals' getAverage. */
export function meanAt(values: ArrayLike<number>, end: number, period: number): number {
  if (end < period - 1 || end >= values.length) return Number.NaN;
  let sum = 0;
  for (let j = end - period + 1; j <= end; j++) sum += values[j] as number;
  return sum / period;
}

/** Population standard deviation of the same span around its `mean` (trading-signals' definition). */
export function deviationAt(values: ArrayLike<number>, end: number, period: number, mean: number): number {
  let sum = 0;
  for (let j = end - period + 1; j <= end; j++) {
    const difference = (values[j] as number) - mean;
    sum += difference * difference;
  }
  return Math.sqrt(sum / period);
}

export interface Bands {
  upper: number;
  middle: number;
  lower: number;
}

/** Bollinger bands of the `period` closes ending at `end` (NaN bands before the first full span). */
export function bollingerAt(
  closes: ArrayLike<number>,
  end: number,
  period: number,
  deviations: number,
): Bands {
  const middle = meanAt(closes, end, period);
  if (Number.isNaN(middle)) return { upper: Number.NaN, middle, lower: Number.NaN };
  const spread = deviationAt(closes, end, period, middle) * deviations;
  return { upper: middle + spread, middle, lower: middle - spread };
}

/**
 * EMA seeded with the SMA of its first `period` values from `start` (NaN values are skipped: the
 * MACD line before it exists). The seed index reports the SMA itself; the state carried on is
 * what trading-signals' EMA makes of it as its first input, `sma * k + sma * (1 - k)`.
 */
export function seededEmaSeries(values: ArrayLike<number>, period: number, start = 0): Series {
  const out = nanSeries(values.length);
  const weight = 2 / (period + 1);
  let seedSum = 0;
  let seedCount = 0;
  let state = Number.NaN;
  for (let i = start; i < values.length; i++) {
    const value = values[i] as number;
    if (Number.isNaN(value)) continue;
    if (seedCount < period) {
      seedSum += value;
      seedCount++;
      if (seedCount < period) continue;
      const average = seedSum / period;
      state = average * weight + average * (1 - weight);
      out[i] = average;
    } else {
      state = value * weight + state * (1 - weight);
      out[i] = state;
    }
  }
  return out;
}

/**
 * Wilder's smoothing (trading-signals' WSMA), one value at a time: the SMA of the first `period`
 * values, then `previous + (value - previous) / period`. NaN until the SMA exists.
 */
class Wilder {
  private readonly factor: number;
  private sum = 0;
  private count = 0;
  value = Number.NaN;

  constructor(private readonly period: number) {
    this.factor = 1 / period;
  }

  add(value: number): number {
    if (this.count < this.period) {
      this.sum += value;
      this.count++;
      if (this.count === this.period) this.value = this.sum / this.period;
    } else this.value = (value - this.value) * this.factor + this.value;
    return this.value;
  }
}

/** RSI with Wilder smoothing of gains and losses, 100 when there were no losses. */
export function rsiSeries(closes: ArrayLike<number>, period: number): Series {
  const out = nanSeries(closes.length);
  const gain = new Wilder(period);
  const loss = new Wilder(period);
  for (let i = 1; i < closes.length; i++) {
    const current = closes[i] as number;
    const previous = closes[i - 1] as number;
    const up = current > previous;
    const averageGain = gain.add(up ? current - previous : 0);
    const averageLoss = loss.add(up ? 0 : previous - current);
    if (i >= period) out[i] = averageLoss === 0 ? 100 : 100 - 100 / (averageGain / averageLoss + 1);
  }
  return out;
}

/** ATR: Wilder smoothing of the true range (the first candle's is its high minus its low). */
export function atrSeries(
  highs: ArrayLike<number>,
  lows: ArrayLike<number>,
  closes: ArrayLike<number>,
  period: number,
): Series {
  const out = nanSeries(closes.length);
  const atr = new Wilder(period);
  for (let i = 0; i < closes.length; i++) {
    const high = highs[i] as number;
    const low = lows[i] as number;
    if (i === 0) {
      out[i] = atr.add(high - low);
      continue;
    }
    const previousClose = closes[i - 1] as number;
    out[i] = atr.add(Math.max(high - low, Math.abs(high - previousClose), Math.abs(low - previousClose)));
  }
  return out;
}

/** MACD as TA-Lib computes it: the fast EMA starts on the slow EMA's first bar. */
export function macdSeries(closes: ArrayLike<number>, fast: number, slow: number, signal: number) {
  const slowEma = seededEmaSeries(closes, slow);
  const fastEma = seededEmaSeries(closes, fast, slow - fast);
  const line = nanSeries(closes.length);
  for (let i = 0; i < line.length; i++) line[i] = (fastEma[i] as number) - (slowEma[i] as number);
  return { line, signalLine: seededEmaSeries(line, signal) };
}

/**
 * Z-score of `values[end]` against the `window` values before it, as trading-signals' getZScore
 * (population deviation); NaN when the window has no variance.
 */
export function zScoreAt(values: ArrayLike<number>, end: number, window: number): number {
  const mean = meanAt(values, end - 1, window);
  const deviation = deviationAt(values, end - 1, window, mean);
  return deviation === 0 ? Number.NaN : ((values[end] as number) - mean) / deviation;
}
