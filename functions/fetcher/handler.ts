import { MetricUnit } from "@aws-lambda-powertools/metrics";
import type { Context } from "aws-lambda";
import * as z from "zod";
import type { Config } from "../core/config";
import { type FetchTickResult, runFetchTick } from "../core/fetch-tick";
import type { AnalysisQueue, Clock, LatestSignals, PriceSource } from "../core/ports";
import { isoTime } from "../core/signal";
import { parseOrThrow } from "../core/validation";
import { lazyHandler } from "../runtime/lazy-handler";
import { logger } from "../runtime/logger";
import { metrics } from "../runtime/metrics";
import { fetcherDepsFromEnv } from "./wiring";

export interface FetcherDeps {
  config: Config;
  /** The provider chain of a symbol, first choice first. */
  sources: (symbol: string) => PriceSource[];
  queue: AnalysisQueue;
  /** Each symbol's last stored signal, so closes missed by failed ticks are caught up. */
  latest?: LatestSignals;
  clock: Clock;
}

/** Time kept back from the Lambda timeout to send the batch and return. */
const SEND_MARGIN_MS = 10_000;
/** The "+ a few seconds" after a close: how long to wait before asking a lagging exchange again. */
const LAG_RETRY_MS = 5_000;

/** EventBridge Scheduler input: `{ "scheduledTime": "<aws.scheduler.scheduled-time>" }`. */
export const FetcherEventSchema = z.object({ scheduledTime: z.iso.datetime({ offset: true }).optional() });
export type FetcherEvent = z.input<typeof FetcherEventSchema>;

export interface FetcherResult {
  /** The tick's "now": the scheduled time, else the clock. */
  now: string;
  queued: number;
  failed: number;
  symbols: Array<{
    symbol: string;
    status: "queued" | "failed";
    provider?: string;
    candleTime?: string;
    /** Missed closes queued before candleTime. */
    caughtUp?: number;
    error?: string;
  }>;
}

function report(result: FetchTickResult): void {
  for (const outcome of result.outcomes) {
    for (const attempt of outcome.attempts) {
      const fields = { symbol: outcome.symbol, provider: attempt.provider, reason: attempt.reason };
      if (attempt.outcome === "rejected") logger.warn("candles rejected", fields);
      else if (attempt.outcome === "failed") logger.warn("provider failed", fields);
      const metric = metrics.singleMetric();
      metric.addDimension("provider", attempt.provider);
      metric.addMetric(
        attempt.outcome === "rejected" ? "CandlesRejected" : "ProviderFailures",
        MetricUnit.Count,
        1,
      );
    }
    if (outcome.catchUpError)
      logger.warn("missed closes not looked for", { symbol: outcome.symbol, error: outcome.catchUpError });
    if (outcome.caughtUp)
      logger.info("missed closes caught up", { symbol: outcome.symbol, closes: outcome.caughtUp });
    if (outcome.status === "failed")
      logger.error("symbol not queued", { symbol: outcome.symbol, error: outcome.error });
  }
  // Only failures are metrics: CloudWatch bills a custom metric for every hour it receives data, and
  // the queued count is SQS's own (free) NumberOfMessagesSent.
  if (result.failed > 0) metrics.addMetric("SymbolsFailed", MetricUnit.Count, result.failed);
}

/** One tick: closed candles for every watched symbol, one AnalysisRequest each onto the queue. */
export function createFetcherHandler(deps: FetcherDeps) {
  return async (event: FetcherEvent, context?: Context): Promise<FetcherResult> => {
    if (context) logger.addContext(context);
    const { scheduledTime } = parseOrThrow(FetcherEventSchema, event ?? {}, "fetcher event");
    const now = scheduledTime ? Date.parse(scheduledTime) : deps.clock.now();
    const result = await runFetchTick(
      {
        symbols: deps.config.watchlist.map((item) => item.symbol),
        timeframe: deps.config.timeframe,
        lookbackCandles: deps.config.lookbackCandles,
        now,
        lagRetryMs: LAG_RETRY_MS,
        catchUpCandles: deps.config.catchUpCandles,
        budgetMs: context?.getRemainingTimeInMillis
          ? Math.max(0, context.getRemainingTimeInMillis() - SEND_MARGIN_MS)
          : undefined,
      },
      { sources: deps.sources, queue: deps.queue, latest: deps.latest },
    );
    try {
      report(result);
    } finally {
      // Publishing nothing would log a warning per invocation.
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
    logger.info("fetch tick done", { now: isoTime(now), queued: result.queued, failed: result.failed });
    return {
      now: isoTime(now),
      queued: result.queued,
      failed: result.failed,
      symbols: result.outcomes.map(({ symbol, status, provider, candleTime, caughtUp, error }) => ({
        symbol,
        status,
        provider,
        candleTime,
        ...(caughtUp ? { caughtUp: caughtUp.length } : {}),
        error,
      })),
    };
  };
}

export const handler = lazyHandler(() => createFetcherHandler(fetcherDepsFromEnv()));
