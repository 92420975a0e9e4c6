import type { Candle } from "./candles";
import { CandleRejection } from "./market-errors";
import { isoTime } from "./signal";
import { type Timeframe, timeframeMs } from "./timeframes";

export interface SeriesRules {
  provider: string;
  timeframe: Timeframe;
  /** Candles not closed by `now` (epoch ms) are dropped. */
  now: number;
  /** Closed candles wanted, newest last. */
  limit: number;
  /** The length of the candles as they arrived, when `timeframe` is built from smaller ones. */
  sourceStepMs?: number;
  /** Markets that trade around the clock: a missing interval is a gap (counted, never invented). */
  continuous: boolean;
}

/** A session market (equities) may also be shut for a long weekend without its feed being stale. */
const LONG_WEEKEND_MS = 4 * 86_400_000;

/** How old the last close may be: two intervals, plus a long weekend for session markets. */
export const maxCloseAgeMs = (timeframe: Timeframe, continuous: boolean): number =>
  2 * timeframeMs(timeframe) + (continuous ? 0 : LONG_WEEKEND_MS);

/** What is wrong with one candle's values, if anything. */
export function candleProblem(candle: Candle): string | undefined {
  for (const field of ["open", "high", "low", "close"] as const) {
    const price = candle[field];
    if (!Number.isFinite(price) || price <= 0) return `${field} ${price} is not a positive price`;
  }
  if (!Number.isFinite(candle.volume) || candle.volume < 0)
    return `volume ${candle.volume} is negative or not finite`;
  if (candle.high < candle.low) return `high ${candle.high} < low ${candle.low}`;
  for (const field of ["open", "close"] as const) {
    const price = candle[field];
    if (price < candle.low || price > candle.high)
      return `${field} ${price} is outside [low ${candle.low}, high ${candle.high}]`;
  }
  return undefined;
}

/** Missing intervals between consecutive candles and after the last one, up to the last closed interval. */
export function countGaps(candles: readonly Candle[], step: number, now: number): number {
  let gaps = 0;
  for (let i = 1; i < candles.length; i++) {
    gaps += Math.max(0, Math.round(((candles[i]?.time ?? 0) - (candles[i - 1]?.time ?? 0)) / step) - 1);
  }
  const last = candles.at(-1);
  const lastClosedOpen = Math.floor(now / step) * step - step;
  if (last) gaps += Math.max(0, Math.floor((lastClosedOpen - last.time) / step));
  return gaps;
}

/**
 * Merges candles into `step`-long candles aligned to the UTC epoch. A bucket that is not over by
 * `now`, and a first bucket whose start is missing from the input, are dropped rather than guessed.
 */
export function resample(candles: readonly Candle[], step: number, now: number): Candle[] {
  const buckets: Candle[] = [];
  for (const candle of candles) {
    const start = Math.floor(candle.time / step) * step;
    const current = buckets.at(-1);
    if (current?.time === start) {
      current.high = Math.max(current.high, candle.high);
      current.low = Math.min(current.low, candle.low);
      current.close = candle.close;
      current.volume += candle.volume;
    } else {
      buckets.push({ ...candle, time: start });
    }
  }
  const first = candles[0];
  if (first && first.time !== buckets[0]?.time) buckets.shift();
  return buckets.filter((bucket) => bucket.time + step <= now);
}

/**
 * The closed, checked series a PriceSource returns: input oldest first; times strictly increasing;
 * prices finite and positive; low <= open, close <= high; the last close no older than two intervals. Throws a
 * CandleRejection naming the first problem; never repairs or invents a candle.
 */
export function closedSeries(
  candles: readonly Candle[],
  rules: SeriesRules,
): { candles: Candle[]; gaps: number } {
  const reject = (reason: string): never => {
    throw new CandleRejection(rules.provider, reason);
  };
  const step = timeframeMs(rules.timeframe);
  const sourceStep = rules.sourceStepMs ?? step;
  candles.forEach((candle, index) => {
    if (!Number.isSafeInteger(candle.time)) reject(`time ${candle.time} is not an epoch timestamp`);
    const previous = candles[index - 1];
    if (!previous) return;
    if (candle.time === previous.time) reject(`duplicate time ${isoTime(candle.time)}`);
    if (candle.time < previous.time)
      reject(`out-of-order time ${isoTime(candle.time)} after ${isoTime(previous.time)}`);
  });
  let closed = candles.filter((candle) => candle.time + sourceStep <= rules.now);
  for (const candle of closed) {
    const problem = candleProblem(candle);
    if (problem) reject(`${problem} at ${isoTime(candle.time)}`);
  }
  if (sourceStep !== step) closed = resample(closed, step, rules.now);
  const window = closed.slice(-rules.limit);
  const last = window.at(-1);
  if (!last) return reject("no closed candles");
  const lastClose = last.time + step;
  if (rules.now - lastClose > maxCloseAgeMs(rules.timeframe, rules.continuous))
    reject(`stale: last close ${isoTime(lastClose)} is more than two intervals before ${isoTime(rules.now)}`);
  return { candles: window, gaps: rules.continuous ? countGaps(window, step, rules.now) : 0 };
}
