import * as z from "zod";
import type { PriceSource } from "../../core/ports";
import { timeframeMs } from "../../core/timeframes";
import { candleAtSeconds, createHttpSource, type HttpSourceOptions, parseBody } from "./http-source";

export const COINBASE_DEFAULT_URL = "https://api.exchange.coinbase.com";

/** `[time s, low, high, open, close, volume]`, newest first; no row for an interval without trades. */
const CandlesBody = z.array(
  z.tuple([z.number(), z.number(), z.number(), z.number(), z.number(), z.number()]),
);

const iso = (ms: number) => new Date(ms).toISOString();

/** Coinbase Exchange `/products/{id}/candles`: at most 300 candles a request, paged by start/end. */
export function coinbaseSource(options: HttpSourceOptions & { baseUrl?: string }): PriceSource {
  return createHttpSource(
    {
      name: "coinbase",
      baseUrls: [options.baseUrl ?? COINBASE_DEFAULT_URL],
      async fetchPage({ pair, timeframe, page, get }) {
        const granularity = timeframeMs(timeframe) / 1000;
        const body = await get(
          `/products/${encodeURIComponent(pair)}/candles?granularity=${granularity}&start=${iso(page.from)}&end=${iso(page.to)}`,
        );
        return parseBody(CandlesBody, body, "coinbase")
          .map(([time, low, high, open, close, volume]) =>
            candleAtSeconds(time, open, high, low, close, volume),
          )
          .reverse();
      },
    },
    options,
  );
}
