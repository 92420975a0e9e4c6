import * as z from "zod";
import type { PriceSource } from "../../core/ports";
import { timeframeMs } from "../../core/timeframes";
import { createHttpSource, type HttpSourceOptions, parseBody, toNumber } from "./http-source";

/** The market-data host first: api.binance.com answers 451 to US addresses, AWS included. */
export const BINANCE_DEFAULT_URLS = ["https://data-api.binance.vision", "https://api.binance.com"];

const Decimal = z.union([z.string(), z.number()]).transform(toNumber);
/** `[openTime ms, "open", "high", "low", "close", "volume", closeTime ms, ...]`. */
const KlinesBody = z.array(
  z.tuple([z.number(), Decimal, Decimal, Decimal, Decimal, Decimal, z.number()], z.unknown()),
);

/** Binance `/api/v3/klines`: up to 1000 a request; a kline whose closeTime is not past is still open. */
export function binanceSource(options: HttpSourceOptions & { baseUrls?: readonly string[] }): PriceSource {
  return createHttpSource(
    {
      name: "binance",
      baseUrls: options.baseUrls ?? BINANCE_DEFAULT_URLS,
      async fetchPage({ pair, timeframe, page, now, get }) {
        const limit = (page.to - page.from) / timeframeMs(timeframe) + 1;
        const body = await get(
          `/api/v3/klines?symbol=${encodeURIComponent(pair)}&interval=${timeframe}&startTime=${page.from}&endTime=${page.to}&limit=${limit}`,
        );
        return parseBody(KlinesBody, body, "binance")
          .filter(([, , , , , , closeTime]) => closeTime < now)
          .map(([time, open, high, low, close, volume]) => ({ time, open, high, low, close, volume }));
      },
    },
    options,
  );
}
