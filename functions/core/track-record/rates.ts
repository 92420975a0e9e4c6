import type { Action, Outcome } from "../signal";

/** Below this many scored signals a rate is noise: print "too few to judge" instead. */
export const MIN_SCORED = 30;
export const TOO_FEW = "too few to judge";

export type Side = Extract<Action, "BUY" | "SELL">;
export const isSide = (action: Action): action is Side => action === "BUY" || action === "SELL";

/** A BUY is right when the price rose, a SELL when it fell; a flat price is a miss either way. */
export const isHit = (side: Side, outcome: Pick<Outcome, "return">): boolean =>
  side === "BUY" ? outcome.return > 0 : outcome.return < 0;

/** The return in the signal's direction: what following it would have earned before fees. */
export const directionalReturn = (side: Side, rawReturn: number): number =>
  side === "BUY" ? rawReturn : -rawReturn;

export interface RateInterval {
  rate: number;
  low: number;
  high: number;
}

/** Wilson score interval for `hits` out of `n` at 95% (z = 1.96); honest near 0 and 1. */
export function wilsonInterval(hits: number, n: number, z = 1.96): RateInterval | undefined {
  if (n <= 0) return undefined;
  const p = hits / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return { rate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

export const mean = (values: readonly number[]): number | undefined =>
  values.length === 0 ? undefined : values.reduce((sum, v) => sum + v, 0) / values.length;

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2
    ? sorted[middle]
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** A hit rate over `n` scored signals, or undefined when there are too few to judge. */
export const judgedRate = (hits: number, n: number): RateInterval | undefined =>
  n < MIN_SCORED ? undefined : wilsonInterval(hits, n);

const pct = (value: number, digits = 0) => `${(value * 100).toFixed(digits)}%`;

/** "57% (49–64%, n=130)" or "too few to judge (n=12)". */
export function formatRate(hits: number, n: number): string {
  const rate = judgedRate(hits, n);
  if (!rate) return `${TOO_FEW} (n=${n})`;
  return `${pct(rate.rate)} (${pct(rate.low)}–${pct(rate.high)}, n=${n})`;
}

/** A signed percentage with two decimals: "+0.42%". */
export const formatReturn = (value: number | undefined): string =>
  value === undefined ? "–" : `${value >= 0 ? "+" : ""}${(value * 100).toFixed(2)}%`;
