import { type AnalysisRequest, AnalysisRequestSchema } from "./analysis-request";
import { toTuple } from "./candles";
import { CandleRejection, ProviderError } from "./market-errors";
import type { AnalysisQueue, CandleQuery, CandleSeries, PriceSource } from "./ports";
import { isoTime } from "./signal";
import { tradesContinuously } from "./symbols";
import { lastClosedOpenTime, type Timeframe } from "./timeframes";
import { parseOrThrow } from "./validation";

/** One provider in a symbol's chain that did not serve it, and why. */
export interface ProviderAttempt {
  provider: string;
  /** rejected: candles arrived but failed the checks; failed: no usable answer. */
  outcome: "rejected" | "failed";
  reason: string;
}

export interface ChainResult {
  series?: CandleSeries;
  attempts: ProviderAttempt[];
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Asks each source in turn until one serves checked, closed candles; records why the others did not. */
export async function fetchThroughChain(
  sources: readonly PriceSource[],
  query: CandleQuery,
): Promise<ChainResult> {
  const attempts: ProviderAttempt[] = [];
  for (const source of sources) {
    try {
      const series = await source.fetchClosedCandles(query);
      if (series.candles.length === 0) throw new ProviderError(source.name, "empty", "no closed candles");
      return { series, attempts };
    } catch (error) {
      const rejected = error instanceof CandleRejection;
      attempts.push({
        provider: source.name,
        outcome: rejected ? "rejected" : "failed",
        reason: rejected ? error.reason : describe(error),
      });
    }
  }
  if (sources.length === 0)
    attempts.push({ provider: "-", outcome: "failed", reason: "no provider in the chain" });
  return { attempts };
}

/** The queue message for the latest closed candle of a series. */
export function analysisRequestFor(
  symbol: string,
  timeframe: Timeframe,
  series: CandleSeries,
): AnalysisRequest {
  const last = series.candles.at(-1);
  return parseOrThrow(
    AnalysisRequestSchema,
    {
      v: 1,
      symbol,
      timeframe,
      candleTime: last ? isoTime(last.time) : undefined,
      provider: series.provider,
      gaps: series.gaps,
      candles: series.candles.map(toTuple),
    },
    `analysis request for ${symbol}`,
  );
}

export interface SymbolOutcome {
  symbol: string;
  status: "queued" | "failed";
  provider?: string;
  candleTime?: string;
  gaps?: number;
  attempts: ProviderAttempt[];
  /** Why a failed symbol was not queued. */
  error?: string;
}

export interface FetchTickResult {
  now: number;
  outcomes: SymbolOutcome[];
  queued: number;
  failed: number;
}

export interface FetchTickInput {
  symbols: readonly string[];
  timeframe: Timeframe;
  lookbackCandles: number;
  now: number;
  /**
   * How long to wait for providers before sending what has arrived (ms). The messages go out in one
   * batch at the end, so a tick that ran into the Lambda timeout would otherwise send nothing.
   */
  budgetMs?: number;
  /**
   * The schedule fires at the close, and an exchange may publish the just-closed candle a few
   * seconds late. A continuously traded symbol whose newest candle is not the one that just closed
   * is fetched once more after this wait (0 = never), so the close is not skipped for good.
   */
  lagRetryMs?: number;
}

export interface FetchTickPorts {
  sources: (symbol: string) => PriceSource[];
  queue: AnalysisQueue;
  sleep?: (ms: number) => Promise<void>;
}

/** True when the series lacks the candle that closed at `now` although the symbol never stops trading. */
const lagsBehind = (symbol: string, series: CandleSeries, timeframe: Timeframe, now: number): boolean =>
  tradesContinuously(symbol) && (series.candles.at(-1)?.time ?? 0) < lastClosedOpenTime(timeframe, now);

/**
 * One fetch tick: closed candles for every symbol through its provider chain, then one
 * AnalysisRequest per symbol for its latest closed candle, all sent together. A symbol that fails
 * is reported and the others go on.
 */
export async function runFetchTick(input: FetchTickInput, ports: FetchTickPorts): Promise<FetchTickResult> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const outOfTime = new Promise<ChainResult>((resolve) => {
    if (input.budgetMs === undefined) return;
    const reason = `no provider answered within the tick's ${input.budgetMs} ms budget`;
    timer = setTimeout(
      () => resolve({ attempts: [{ provider: "-", outcome: "failed", reason }] }),
      input.budgetMs,
    );
  });
  const fetched = await Promise.all(
    input.symbols.map(async (symbol): Promise<{ outcome: SymbolOutcome; request?: AnalysisRequest }> => {
      const query = { symbol, timeframe: input.timeframe, limit: input.lookbackCandles, now: input.now };
      const fetchOnce = () => Promise.race([fetchThroughChain(ports.sources(symbol), query), outOfTime]);
      let { series, attempts } = await fetchOnce();
      if (series && input.lagRetryMs && lagsBehind(symbol, series, input.timeframe, input.now)) {
        await (ports.sleep ?? wait)(input.lagRetryMs);
        const again = await fetchOnce();
        if (again.series && (again.series.candles.at(-1)?.time ?? 0) > (series.candles.at(-1)?.time ?? 0))
          ({ series, attempts } = again);
      }
      if (!series) {
        const error = `no provider served ${symbol}: ${attempts.map((a) => `${a.provider} ${a.reason}`).join("; ")}`;
        return { outcome: { symbol, status: "failed", attempts, error } };
      }
      try {
        const request = analysisRequestFor(symbol, input.timeframe, series);
        const outcome: SymbolOutcome = {
          symbol,
          status: "queued",
          provider: series.provider,
          candleTime: request.candleTime,
          gaps: series.gaps,
          attempts,
        };
        return { outcome, request };
      } catch (error) {
        return {
          outcome: { symbol, status: "failed", provider: series.provider, attempts, error: describe(error) },
        };
      }
    }),
  );
  clearTimeout(timer);
  const toSend = fetched.filter((f) => f.request);
  const sent = await ports.queue
    .send(toSend.map((f) => f.request as AnalysisRequest))
    .catch((error: unknown) => toSend.map(() => ({ error: describe(error) })));
  toSend.forEach((f, index) => {
    const error = sent[index]?.error;
    if (error) Object.assign(f.outcome, { status: "failed", error: `queue: ${error}` });
  });
  const outcomes = fetched.map((f) => f.outcome);
  const queued = outcomes.filter((o) => o.status === "queued").length;
  return { now: input.now, outcomes, queued, failed: outcomes.length - queued };
}
