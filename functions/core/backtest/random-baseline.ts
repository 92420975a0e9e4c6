import type { Candle } from "../candles";
import { seededRandom } from "../seeded-random";
import { type Call, hitRate } from "./scoring";
import { type Order, simulateTrades } from "./trades";

export interface Spread {
  median: number;
  p5: number;
  p95: number;
}

export interface RandomBaseline {
  draws: number;
  seed: number;
  /** Calls per draw: as many as the analyst made, on the same gate events. */
  callsPerDraw: number;
  hitRates: Array<{ horizon: number; spread?: Spread; analystPercentile?: number }>;
  totalReturn?: Spread & { strategyPercentile?: number };
}

const quantile = (sorted: readonly number[], q: number): number => {
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  const a = sorted[low] as number;
  const b = sorted[high] as number;
  return a + (b - a) * (position - low);
};

const spreadOf = (values: number[]): Spread | undefined => {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return { median: quantile(sorted, 0.5), p5: quantile(sorted, 0.05), p95: quantile(sorted, 0.95) };
};

/** Where `value` falls among `draws`: the share below it, ties counted half (0..100). */
export function percentileOf(value: number, draws: readonly number[]): number {
  if (draws.length === 0) return Number.NaN;
  let below = 0;
  for (const draw of draws) below += draw < value ? 1 : draw === value ? 0.5 : 0;
  return (below / draws.length) * 100;
}

export interface RandomBaselineInput {
  candles: readonly Candle[];
  /** Indexes where the gate fired: the events random direction is drawn on. */
  gateEvents: readonly number[];
  /** The analyst's own calls (alerts), for their count and to place its figures among the draws. */
  analystCalls: readonly Call[];
  analystHitRates: ReadonlyArray<{ horizon: number; rate?: number }>;
  strategyReturn: number;
  horizons: readonly number[];
  simulation: { feeBps: number; short: boolean; startIndex: number };
  draws?: number;
  seed?: number;
}

/**
 * The skill check: as many calls as the analyst made, on gate events chosen at random, each BUY or
 * SELL by a coin flip, traded under the same rules. An analyst with no skill lands near the 50th
 * percentile; only a high percentile says its direction added anything.
 */
export function randomBaseline(input: RandomBaselineInput): RandomBaseline {
  const draws = input.draws ?? 200;
  const seed = input.seed ?? 1;
  const random = seededRandom(seed);
  const k = Math.min(input.analystCalls.length, input.gateEvents.length);
  const rates = input.horizons.map(() => [] as number[]);
  const returns: number[] = [];
  const pool = [...input.gateEvents];
  for (let d = 0; d < draws && k > 0; d++) {
    // Partial Fisher–Yates: the first k of the pool are a uniform sample without replacement.
    for (let i = 0; i < k; i++) {
      const j = i + Math.floor(random() * (pool.length - i));
      [pool[i], pool[j]] = [pool[j] as number, pool[i] as number];
    }
    const calls: Call[] = pool
      .slice(0, k)
      .sort((a, b) => a - b)
      .map((index) => ({ index, side: random() < 0.5 ? "BUY" : "SELL" }));
    input.horizons.forEach((horizon, h) => {
      const rate = hitRate(input.candles, calls, horizon);
      if (rate !== undefined) rates[h]?.push(rate);
    });
    const orders: Order[] = calls.map((call) => ({ index: call.index, action: call.side }));
    const equity = simulateTrades(input.candles, orders, input.simulation).equity;
    returns.push((equity.at(-1) ?? 1) - 1);
  }
  const returnSpread = spreadOf(returns);
  return {
    draws: k > 0 ? draws : 0,
    seed,
    callsPerDraw: k,
    hitRates: input.horizons.map((horizon, h) => {
      const values = rates[h] ?? [];
      const spread = spreadOf(values);
      const analyst = input.analystHitRates.find((r) => r.horizon === horizon)?.rate;
      return {
        horizon,
        ...(spread ? { spread } : {}),
        ...(analyst !== undefined && values.length
          ? { analystPercentile: percentileOf(analyst, values) }
          : {}),
      };
    }),
    ...(returnSpread
      ? { totalReturn: { ...returnSpread, strategyPercentile: percentileOf(input.strategyReturn, returns) } }
      : {}),
  };
}
