import * as z from "zod";
import type { Candle } from "../../core/candles";
import { ProviderError } from "../../core/market-errors";
import type { PriceSource } from "../../core/ports";
import { timeframeMs } from "../../core/timeframes";
import {
  candleAtSeconds,
  createHttpSource,
  type HttpSourceOptions,
  parseBody,
  toNumber,
} from "./http-source";

export const KRAKEN_DEFAULT_URL = "https://api.kraken.com";

const Decimal = z.union([z.string(), z.number()]).transform(toNumber);
/** `[time s, "open", "high", "low", "close", "vwap", "volume", count]`. */
const Row = z.tuple([z.number(), Decimal, Decimal, Decimal, Decimal, Decimal, Decimal, z.number()]);
const Envelope = z.object({
  error: z.array(z.string()),
  result: z.record(z.string(), z.unknown()).optional(),
});

const isThrottled = (body: unknown) =>
  Envelope.safeParse(body).data?.error.some((e) => e.startsWith("EGeneral:Too many requests")) ?? false;

/**
 * The candles of one OHLC answer. The pair comes back under Kraken's own key (XBTUSD as XXBTZUSD),
 * so the rows are the one key that is not `last`; `last` is the open time of the last closed candle,
 * and rows after it are still open. Kraken fills intervals without trades with zero-count rows at the
 * previous close: those are gaps, not candles.
 */
export function krakenCandles(body: unknown): Candle[] {
  const { error, result } = parseBody(Envelope, body, "kraken");
  if (error.length > 0) {
    const text = error.join(", ");
    const kind = /Unknown asset pair/i.test(text)
      ? "unknown-symbol"
      : /^EService/.test(text)
        ? "server-error"
        : "bad-request";
    throw new ProviderError("kraken", kind, text);
  }
  const key = Object.keys(result ?? {}).find((k) => k !== "last");
  const { last, rows } = parseBody(
    z.object({ last: z.number(), rows: z.array(Row) }),
    { last: result?.last, rows: key ? result?.[key] : undefined },
    "kraken",
  );
  return rows
    .filter(([time, , , , , , , count]) => time <= last && count > 0)
    .map(([time, open, high, low, close, , volume]) => candleAtSeconds(time, open, high, low, close, volume));
}

/** Kraken `/0/public/OHLC`: every timeframe natively, only the 720 most recent candles. */
export function krakenSource(options: HttpSourceOptions & { baseUrl?: string }): PriceSource {
  return createHttpSource(
    {
      name: "kraken",
      baseUrls: [options.baseUrl ?? KRAKEN_DEFAULT_URL],
      isRateLimitBody: isThrottled,
      async fetchPage({ pair, timeframe, page, get }) {
        const interval = timeframeMs(timeframe) / 60_000;
        const since = page.from / 1000 - 1;
        return krakenCandles(
          await get(`/0/public/OHLC?pair=${encodeURIComponent(pair)}&interval=${interval}&since=${since}`),
        );
      },
    },
    options,
  );
}
