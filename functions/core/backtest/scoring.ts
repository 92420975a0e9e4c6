import type { Candle } from "../candles";
import {
  directionalReturn,
  isHit,
  judgedRate,
  mean,
  type RateInterval,
  type Side,
} from "../track-record/rates";

/** A directional call at one candle close. */
export interface Call {
  index: number;
  side: Side;
}

export interface HorizonScore {
  horizon: number;
  /** Calls with a close `horizon` candles later inside the data. */
  scored: number;
  hits: number;
  /** Undefined below MIN_SCORED: too few to judge. */
  rate?: RateInterval;
  /** Mean return in the call's direction at this horizon, before fees. */
  meanReturn?: number;
}

/** The raw return from the call's close to the close `horizon` candles later, as Signal.outcomes has it. */
export const forwardReturn = (
  candles: readonly Candle[],
  index: number,
  horizon: number,
): number | undefined => {
  const from = candles[index];
  const to = candles[index + horizon];
  return from && to ? to.close / from.close - 1 : undefined;
};

/** Hits without the interval, for the random baseline's many draws. */
export function hitRate(
  candles: readonly Candle[],
  calls: readonly Call[],
  horizon: number,
): number | undefined {
  let hits = 0;
  let scored = 0;
  for (const call of calls) {
    const value = forwardReturn(candles, call.index, horizon);
    if (value === undefined) continue;
    scored += 1;
    if (isHit(call.side, { return: value })) hits += 1;
  }
  return scored ? hits / scored : undefined;
}

export function scoreCalls(
  candles: readonly Candle[],
  calls: readonly Call[],
  horizons: readonly number[],
): HorizonScore[] {
  return horizons.map((horizon) => {
    const returns: number[] = [];
    let hits = 0;
    for (const call of calls) {
      const value = forwardReturn(candles, call.index, horizon);
      if (value === undefined) continue;
      returns.push(directionalReturn(call.side, value));
      if (isHit(call.side, { return: value })) hits += 1;
    }
    const rate = judgedRate(hits, returns.length);
    return {
      horizon,
      scored: returns.length,
      hits,
      ...(rate ? { rate } : {}),
      ...(returns.length ? { meanReturn: mean(returns) } : {}),
    };
  });
}
