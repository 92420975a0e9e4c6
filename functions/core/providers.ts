import * as z from "zod";
import { TIMEFRAMES, type Timeframe, timeframeMs } from "./timeframes";

/** Market-data providers, each an adapter behind the PriceSource port. */
export const PROVIDER_NAMES = ["coinbase", "kraken", "binance", "yahoo", "replay"] as const;
export const ProviderName = z.enum(PROVIDER_NAMES);
export type ProviderName = z.infer<typeof ProviderName>;

export interface RateLimit {
  requests: number;
  perMs: number;
  /** Where the figure comes from. */
  source: string;
}

export interface ProviderProfile {
  /** Timeframes served as they are; the others are built from the largest native one dividing them. */
  native: readonly Timeframe[];
  /** Timeframes the provider must not build, and why (shown in the config error). */
  refuses?: Partial<Record<Timeframe, string>>;
  /** Intervals one request may cover (the window is paged beyond that). */
  intervalsPerRequest: number;
  /** The provider serves only this many most recent intervals (Kraken: 720), if bounded. */
  recentIntervals?: number;
  /** The documented public limit per IP: requests are paced under it, the benchmark measures against it. */
  limit?: RateLimit;
  /** Requests in flight at once, per container. */
  concurrency: number;
}

export const PROVIDERS: Record<ProviderName, ProviderProfile> = {
  coinbase: {
    native: ["1m", "5m", "15m", "1h", "1d"],
    intervalsPerRequest: 300,
    limit: { requests: 10, perMs: 1000, source: "Coinbase Exchange: public endpoints, 10 requests/s per IP" },
    concurrency: 10,
  },
  kraken: {
    native: TIMEFRAMES,
    intervalsPerRequest: 720,
    recentIntervals: 720,
    limit: { requests: 1, perMs: 1000, source: "Kraken: public endpoints, about 1 request/s per IP" },
    concurrency: 1,
  },
  binance: {
    native: TIMEFRAMES,
    intervalsPerRequest: 1000,
    limit: {
      requests: 3000,
      perMs: 60_000,
      source: "Binance: 6,000 request weight/min per IP, klines weigh 2",
    },
    concurrency: 10,
  },
  yahoo: {
    native: ["1m", "5m", "15m", "1h", "1d"],
    refuses: {
      "4h": "its hourly bars start at the half hour of the exchange session, so they do not make UTC 4h candles",
    },
    // 1m data is served 7 days per request at most: 10,000 one-minute intervals stay inside that.
    intervalsPerRequest: 10_000,
    limit: {
      requests: 2000,
      perMs: 3_600_000,
      source: "Yahoo Finance: no published limit; about 2,000 requests/h per IP is the observed ceiling",
    },
    concurrency: 4,
  },
  replay: { native: TIMEFRAMES, intervalsPerRequest: Number.POSITIVE_INFINITY, concurrency: 64 },
};

/** How a provider serves a timeframe: fetch `source` candles and merge `factor` of them into one. */
export interface TimeframePlan {
  source: Timeframe;
  factor: number;
}

/** The plan for `timeframe`, or the reason `provider` cannot serve it. */
export function timeframePlan(provider: ProviderName, timeframe: Timeframe): TimeframePlan | string {
  const profile = PROVIDERS[provider];
  const refused = profile.refuses?.[timeframe];
  if (refused) return `${provider} cannot serve ${timeframe}: ${refused}`;
  if (profile.native.includes(timeframe)) return { source: timeframe, factor: 1 };
  const target = timeframeMs(timeframe);
  const smaller = [...profile.native]
    .filter((tf) => timeframeMs(tf) < target && target % timeframeMs(tf) === 0)
    .sort((a, b) => timeframeMs(b) - timeframeMs(a))[0];
  if (!smaller) return `${provider} cannot serve ${timeframe} nor build it from smaller candles`;
  return { source: smaller, factor: target / timeframeMs(smaller) };
}
