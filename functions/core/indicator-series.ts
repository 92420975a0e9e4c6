/**
 * Indicators over one window of candles, in one pass: streaming ones fed value by value, windowed
 * ones (mean, bands, z-score) read at the indices asked for. Every value is the same float
 * arithmetic, in the same order, as trading-signals' (SMA, EMA, WSMA, RSI, ATR, BollingerBands,
 * getZScore), so results are bit-identical to theirs; what goes is their object per input, array
 * shifting and rolling history, which made features cost over a millisecond per close.
 * NaN stands for "no value yet" (the window is too short).
 */

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
 * Wilder's smoothing (trading-signals' WSMA): the SMA of the first `period` values, then
 * `previous + (value - previous) / period`. NaN until the SMA exists.
 */
export class Wilder {
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

/**
 * EMA seeded with the SMA of its first `period` values (TA-Lib, LEAN and most charting tools do
 * this; trading-signals' EMA starts from the first price). The seed reports the SMA itself; the
 * state carried on is what trading-signals' EMA makes of it as its first input,
 * `sma * k + sma * (1 - k)`. NaN inputs (a MACD line before it exists) are skipped.
 */
export class SeededEma {
  private readonly weight: number;
  private seedSum = 0;
  private seedCount = 0;
  private state = Number.NaN;

  constructor(private readonly period: number) {
    this.weight = 2 / (period + 1);
  }

  /** The EMA after `value`; NaN while seeding or for a NaN input. */
  add(value: number): number {
    if (Number.isNaN(value)) return Number.NaN;
    if (this.seedCount < this.period) {
      this.seedSum += value;
      this.seedCount++;
      if (this.seedCount < this.period) return Number.NaN;
      const average = this.seedSum / this.period;
      this.state = average * this.weight + average * (1 - this.weight);
      return average;
    }
    this.state = value * this.weight + this.state * (1 - this.weight);
    return this.state;
  }
}

/** RSI with Wilder smoothing of gains and losses, 100 when there were no losses. */
export class WilderRsi {
  private readonly gain: Wilder;
  private readonly loss: Wilder;
  private previous = Number.NaN;
  private changes = 0;

  constructor(private readonly period: number) {
    this.gain = new Wilder(period);
    this.loss = new Wilder(period);
  }

  add(close: number): number {
    const previous = this.previous;
    this.previous = close;
    if (Number.isNaN(previous)) return Number.NaN;
    const up = close > previous;
    const gain = this.gain.add(up ? close - previous : 0);
    const loss = this.loss.add(up ? 0 : previous - close);
    if (++this.changes < this.period) return Number.NaN;
    return loss === 0 ? 100 : 100 - 100 / (gain / loss + 1);
  }
}

/** ATR: Wilder smoothing of the true range (the first candle's is its high minus its low). */
export class WilderAtr {
  private readonly smoothing: Wilder;
  private previousClose = Number.NaN;

  constructor(period: number) {
    this.smoothing = new Wilder(period);
  }

  add(high: number, low: number, close: number): number {
    const previousClose = this.previousClose;
    this.previousClose = close;
    const range = Number.isNaN(previousClose)
      ? high - low
      : Math.max(high - low, Math.abs(high - previousClose), Math.abs(low - previousClose));
    return this.smoothing.add(range);
  }
}

/** MACD as TA-Lib computes it: the fast EMA starts on the slow EMA's first bar. */
export class Macd {
  private readonly fastEma: SeededEma;
  private readonly slowEma: SeededEma;
  private readonly signalEma: SeededEma;
  private readonly fastStart: number;
  private count = 0;
  line = Number.NaN;
  signal = Number.NaN;

  constructor(fast: number, slow: number, signal: number) {
    this.fastEma = new SeededEma(fast);
    this.slowEma = new SeededEma(slow);
    this.signalEma = new SeededEma(signal);
    this.fastStart = slow - fast;
  }

  add(close: number): void {
    const slow = this.slowEma.add(close);
    const fast = this.count++ >= this.fastStart ? this.fastEma.add(close) : Number.NaN;
    this.line = fast - slow;
    this.signal = this.signalEma.add(this.line);
  }
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
