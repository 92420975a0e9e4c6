import * as z from "zod";
import type { Candle } from "../../core/candles";
import type { PriceSource } from "../../core/ports";
import { type Timeframe, timeframeMs } from "../../core/timeframes";
import { createHttpSource, type HttpSourceOptions, parseBody } from "./http-source";

/** Yahoo Finance's chart API: public, no key or paid plan. YAHOO_API_URL overrides it. */
export const YAHOO_DEFAULT_URL = "https://query1.finance.yahoo.com";

const INTERVALS: Partial<Record<Timeframe, string>> = {
  "1m": "1m",
  "5m": "5m",
  "15m": "15m",
  "1h": "60m",
  "1d": "1d",
};
const DAY_MS = 86_400_000;

const Values = z.array(z.number().nullable()).default([]);
const ChartBody = z.object({
  chart: z.object({
    result: z
      .array(
        z.object({
          timestamp: z.array(z.number()).default([]),
          indicators: z.object({
            quote: z
              .array(z.object({ open: Values, high: Values, low: Values, close: Values, volume: Values }))
              .min(1),
          }),
        }),
      )
      .nullable(),
    error: z.object({ code: z.string(), description: z.string() }).nullable().optional(),
  }),
});

/** The remainder most bars share: intraday bars follow the session (09:30 ET), odd rows do not. */
function commonPhase(times: number[], step: number): number {
  const counts = new Map<number, number>();
  for (const time of times) counts.set(time % step, (counts.get(time % step) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0;
}

/**
 * The bars of one chart answer. Rows with null prices had no trades (gaps). Intraday answers may end
 * with an off-grid row (the close auction at 16:00, or the live quote's time): dropped. Daily bars are
 * stamped at the session open; they are keyed by their UTC date instead.
 */
export function yahooCandles(body: unknown, timeframe: Timeframe): Candle[] {
  const result = parseBody(ChartBody, body, "yahoo").chart.result?.[0];
  if (!result) return [];
  const quote = result.indicators.quote[0];
  const step = timeframeMs(timeframe);
  const rows: Candle[] = [];
  result.timestamp.forEach((seconds, i) => {
    const [open, high, low, close] = [quote?.open[i], quote?.high[i], quote?.low[i], quote?.close[i]];
    if (open == null || high == null || low == null || close == null) return;
    const time = timeframe === "1d" ? Math.floor((seconds * 1000) / DAY_MS) * DAY_MS : seconds * 1000;
    rows.push({ time, open, high, low, close, volume: quote?.volume[i] ?? 0 });
  });
  const phase = commonPhase(
    rows.map((row) => row.time),
    step,
  );
  return rows.filter((row) => row.time % step === phase);
}

export function yahooSource(options: HttpSourceOptions & { baseUrl?: string }): PriceSource {
  return createHttpSource(
    {
      name: "yahoo",
      baseUrls: [options.baseUrl ?? YAHOO_DEFAULT_URL],
      // Yahoo answers 429 to clients without a browser-like User-Agent.
      headers: { "user-agent": "Mozilla/5.0 (compatible; signal-pipeline)" },
      async fetchPage({ pair, timeframe, page, get }) {
        const step = timeframeMs(timeframe);
        const query = `interval=${INTERVALS[timeframe]}&period1=${page.from / 1000}&period2=${(page.to + step) / 1000}&includePrePost=false&events=`;
        return yahooCandles(await get(`/v8/finance/chart/${encodeURIComponent(pair)}?${query}`), timeframe);
      },
    },
    options,
  );
}
