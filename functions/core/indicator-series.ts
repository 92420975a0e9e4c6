/**
 * Indicators over one window of candles with plain arrays, one pass each. Every value is the same
 * float arithmetic, in the same order, as trading-signals' streaming classes (SMA, EMA, WSMA, RSI,
 * ATR, BollingerBands, getZScore), so the results are bit-identical to theirs; what goes is the
 * object per input and the array shifting, which made features cost over a millisecond per close.
 * A series holds NaN where the indicator has no value yet (the window is too short).
 */
export type Series = Float64Array;

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
export function bollingerAt(closes: ArrayLike<number>, end: number, period: number, deviations: number): Bands {
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
  const out = new Float64Array(values.length).fill(Number.NaN);
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
 * Wilder's smoothing (trading-signals' WSMA) of `values[from..]`: the SMA of the first `period`,
 * then `previous + (value - previous) / period`.
 */
function wilderInto(out: Series, values: ArrayLike<number>, period: number, from: number): Series {
  const factor = 1 / period;
  let sum = 0;
  let previous = Number.NaN;
  for (let i = from; i < values.length; i++) {
    const value = values[i] as number;
    if (i - from < period) {
      sum += value;
      if (i - from === period - 1) previous = sum / period;
      else continue;
    } else previous = (value - previous) * factor + previous;
    out[i] = previous;
  }
  return out;
}

/** RSI with Wilder smoothing of gains and losses, 100 when there were no losses. */
export function rsiSeries(closes: ArrayLike<number>, period: number): Series {
  const count = closes.length;
  const gains = new Float64Array(count);
  const losses = new Float64Array(count);
  for (let i = 1; i < count; i++) {
    const current = closes[i] as number;
    const previous = closes[i - 1] as number;
    if (current > previous) gains[i] = current - previous;
    else losses[i] = previous - current;
  }
  const averageGain = wilderInto(new Float64Array(count).fill(Number.NaN), gains, period, 1);
  const averageLoss = wilderInto(new Float64Array(count).fill(Number.NaN), losses, period, 1);
  const out = new Float64Array(count).fill(Number.NaN);
  for (let i = period; i < count; i++) {
    const loss = averageLoss[i] as number;
    out[i] = loss === 0 ? 100 : 100 - 100 / ((averageGain[i] as number) / loss + 1);
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
  const count = closes.length;
  const ranges = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const high = highs[i] as number;
    const low = lows[i] as number;
    if (i === 0) ranges[i] = high - low;
    else {
      const previousClose = closes[i - 1] as number;
      ranges[i] = Math.max(high - low, Math.abs(high - previousClose), Math.abs(low - previousClose));
    }
  }
  return wilderInto(new Float64Array(count).fill(Number.NaN), ranges, period, 0);
}

/** MACD as TA-Lib computes it: the fast EMA starts on the slow EMA's first bar. */
export function macdSeries(closes: ArrayLike<number>, fast: number, slow: number, signal: number) {
  const slowEma = seededEmaSeries(closes, slow);
  const fastEma = seededEmaSeries(closes, fast, slow - fast);
  const line = new Float64Array(closes.length);
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
