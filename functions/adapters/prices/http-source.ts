import type * as z from "zod";
import { closedSeries, maxCloseAgeMs } from "../../core/candle-checks";
import type { Candle } from "../../core/candles";
import { ProviderError } from "../../core/market-errors";
import type { CandleQuery, CandleSeries, PriceSource } from "../../core/ports";
import { PROVIDERS, type ProviderName, timeframePlan } from "../../core/providers";
import { providerSymbol, tradesContinuously } from "../../core/symbols";
import { lastClosedOpenTime, type Timeframe, timeframeMs } from "../../core/timeframes";
import { parseOrThrow, ValidationError } from "../../core/validation";
import { getJson, type HttpDeps } from "./http";
import { RateGate, realSleep } from "./rate-gate";

/** Open times (epoch ms, both inclusive) of the candles one request asks for. */
export interface Page {
  from: number;
  to: number;
}

export interface PageRequest {
  /** The provider's own name for the symbol. */
  pair: string;
  timeframe: Timeframe;
  page: Page;
  now: number;
  /** GET `path` (with query) from the provider, JSON-decoded; tries the next base URL if one is down. */
  get(path: string): Promise<unknown>;
}

export interface HttpSourceSpec {
  name: Exclude<ProviderName, "replay">;
  baseUrls: readonly string[];
  headers?: Record<string, string>;
  isRateLimitBody?: (body: unknown) => boolean;
  /** One page of candles, oldest first, in the provider's own format turned into Candles. */
  fetchPage(request: PageRequest): Promise<Candle[]>;
}

export interface HttpSourceOptions extends HttpDeps {
  timeoutMs: number;
}

/** Decodes a provider body; a body of the wrong shape is the provider's failure, not ours. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown, provider: string): z.output<S> {
  try {
    return parseOrThrow(schema, body, `${provider} response`);
  } catch (error) {
    if (error instanceof ValidationError) throw new ProviderError(provider, "invalid-body", error.message);
    throw error;
  }
}

/** Kinds after which another base URL of the same provider may still answer (Binance's two hosts). */
const HOST_FAILURES = new Set(["blocked", "server-error", "timeout", "network"]);
/**
 * A host that answered 451 or 403 answers the same for every symbol from this address: it is not
 * asked again for a while, so the symbols queued behind it move on at once instead of spending the
 * provider's rate limit and the Lambda's time.
 */
const BLOCKED_HOST_MS = 15 * 60_000;

/** The open times a query needs, in the timeframe the provider is asked for, cut into pages. */
export function planPages(name: ProviderName, query: CandleQuery, source: Timeframe): Page[] {
  const profile = PROVIDERS[name];
  const step = timeframeMs(query.timeframe);
  const sourceStep = timeframeMs(source);
  const to = lastClosedOpenTime(source, query.now);
  // Session markets have fewer candles than calendar intervals: ask for a window wide enough.
  const sessionSlack = tradesContinuously(query.symbol)
    ? 0
    : query.limit * step * 5 + maxCloseAgeMs(query.timeframe, false);
  let from = lastClosedOpenTime(query.timeframe, query.now) - (query.limit - 1) * step - sessionSlack;
  if (profile.recentIntervals) from = Math.max(from, to - (profile.recentIntervals - 1) * sourceStep);
  const pageSpan = profile.intervalsPerRequest * sourceStep;
  const pages: Page[] = [];
  for (let start = from; start <= to; start += pageSpan) {
    pages.push({ from: start, to: Math.min(to, start + pageSpan - sourceStep) });
  }
  return pages;
}

/**
 * A PriceSource over a provider's HTTP API: maps the symbol and timeframe to the provider's own,
 * pages the window, paces requests through the provider's gate, builds larger candles from smaller
 * ones where the provider lacks the timeframe, and returns only closed, checked candles.
 */
export function createHttpSource(spec: HttpSourceSpec, options: HttpSourceOptions): PriceSource {
  const profile = PROVIDERS[spec.name];
  const gate = new RateGate(profile.concurrency, profile.limit, options.sleep ?? realSleep, options.now);
  const now = options.now ?? Date.now;
  const blockedHosts = new Map<string, { until: number; error: ProviderError }>();
  const get = async (path: string): Promise<unknown> => {
    let lastError: unknown;
    for (const baseUrl of spec.baseUrls) {
      const blocked = blockedHosts.get(baseUrl);
      if (blocked && blocked.until > now()) {
        lastError = blocked.error;
        continue;
      }
      try {
        return await getJson(`${baseUrl.replace(/\/+$/, "")}${path}`, {
          ...options,
          provider: spec.name,
          gate,
          headers: spec.headers,
          isRateLimitBody: spec.isRateLimitBody,
        });
      } catch (error) {
        lastError = error;
        if (!(error instanceof ProviderError && HOST_FAILURES.has(error.kind))) throw error;
        if (error.kind === "blocked") blockedHosts.set(baseUrl, { until: now() + BLOCKED_HOST_MS, error });
      }
    }
    throw lastError;
  };

  return {
    name: spec.name,
    async fetchClosedCandles(query: CandleQuery): Promise<CandleSeries> {
      const plan = timeframePlan(spec.name, query.timeframe);
      if (typeof plan === "string") throw new ProviderError(spec.name, "unsupported", plan);
      const pair = providerSymbol(query.symbol, spec.name);
      if (!pair)
        throw new ProviderError(spec.name, "unknown-symbol", `${spec.name} does not list ${query.symbol}`);
      const pages = planPages(spec.name, query, plan.source);
      const answers = await Promise.all(
        pages.map((page) => spec.fetchPage({ pair, timeframe: plan.source, page, now: query.now, get })),
      );
      // Each page keeps only its own window, so pages that overlap at a boundary cannot duplicate a candle.
      const candles = answers.flatMap((rows, index) => {
        const page = pages[index] as Page;
        return rows.filter((candle) => candle.time >= page.from && candle.time <= page.to);
      });
      if (candles.length === 0)
        throw new ProviderError(spec.name, "empty", `no candles for ${pair} in the window`);
      const series = closedSeries(candles, {
        provider: spec.name,
        timeframe: query.timeframe,
        sourceStepMs: timeframeMs(plan.source),
        now: query.now,
        limit: query.limit,
        continuous: tradesContinuously(query.symbol),
      });
      return { provider: spec.name, ...series };
    },
  };
}

/** Prices arrive as decimal strings (Kraken, Binance) or numbers (Coinbase); both become numbers. */
export const toNumber = (value: string | number): number =>
  typeof value === "number" ? value : Number(value);

/** A candle from a row stamped in epoch seconds (Coinbase, Kraken, Yahoo). */
export const candleAtSeconds = (
  seconds: number,
  open: number,
  high: number,
  low: number,
  close: number,
  volume: number,
): Candle => ({ time: seconds * 1000, open, high, low, close, volume });
