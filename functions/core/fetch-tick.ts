import { setTimeout as sleep } from "node:timers/promises";
import { type AnalysisRequest, AnalysisRequestSchema } from "./analysis-request";
import { toTuple } from "./candles";
import { errorMessage } from "./errors";
import { CandleRejection, ProviderError } from "./market-errors";
import type { AnalysisQueue, CandleQuery, CandleSeries, LatestSignals, PriceSource } from "./ports";
import { isoTime } from "./signal";
import { tradesContinuously } from "./symbols";
import { lastClosedOpenTime, type Timeframe, timeframeMs } from "./timeframes";
import { parseOrThrow } from "./validation";

/** One provider in a symbol's chain that did not serve it, and why. */
export interface ProviderAttempt {
  provider: string;
  /** rejected: candles arrived but failed the checks; failed: no usable answer. */
  outcome: "rejected" | "failed";
  /** Why, without the provider's name: `HTTP 451 "…"`, `timeout: no answer within 5000 ms`, `high 90 < low 95`. */
  reason: string;
  /** The HTTP status the provider answered, when its failure was one. */
  status?: number;
}

export interface ChainResult {
  series?: CandleSeries;
  attempts: ProviderAttempt[];
}

/** A provider's failure in its own words: an HTTP answer as it came, any other by its kind. */
function attemptOf(provider: string, error: unknown): ProviderAttempt {
  if (error instanceof CandleRejection) return { provider, outcome: "rejected", reason: error.reason };
  if (!(error instanceof ProviderError)) return { provider, outcome: "failed", reason: errorMessage(error) };
  const reason = error.detail.startsWith("HTTP ") ? error.detail : `${error.kind}: ${error.detail}`;
  return { provider, outcome: "failed", reason, ...(error.status ? { status: error.status } : {}) };
}

/**
 * The error when no provider served a symbol: each provider's own failure, and for an HTTP 451 (the
 * provider refuses this location, as api.binance.com does for US and AWS addresses) what to do.
 * `switchWith` says where another provider is chosen.
 */
export function noProviderServed(
  symbol: string,
  timeframe: Timeframe,
  attempts: readonly ProviderAttempt[],
  switchWith = "the providers in signals.config.ts",
): string {
  const causes = attempts.map((a) => `${a.provider}: ${a.reason}`).join("; ");
  const refusing = [...new Set(attempts.filter((a) => a.status === 451).map((a) => a.provider))];
  const hint =
    refusing.length === 0
      ? ""
      : `. ${refusing.join(", ")} ${refusing.length > 1 ? "refuse" : "refuses"} requests from this location (HTTP 451): use another provider (${switchWith}) or run from another region`;
  return `no provider served ${symbol} ${timeframe}: ${causes || "no provider in the chain"}${hint}`;
}

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
      attempts.push(attemptOf(source.name, error));
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

/**
 * Closes missed since the symbol's last stored signal (a failed tick, an outage), not counting the one
 * that just closed, at most `bound`. None when nothing is stored yet: a new symbol starts at its latest
 * close rather than back-filling.
 */
export function missedCloses(
  timeframe: Timeframe,
  now: number,
  lastStoredCandleTime: string | undefined,
  bound: number,
): number {
  if (lastStoredCandleTime === undefined) return 0;
  const step = timeframeMs(timeframe);
  const gap = Math.floor((lastClosedOpenTime(timeframe, now) - Date.parse(lastStoredCandleTime)) / step) - 1;
  return Math.max(0, Math.min(bound, gap));
}

/**
 * What to queue from a fetched series: the latest close, and before it up to `missed` closes newer
 * than the last stored signal, each with the `lookbackCandles` candles up to it. Oldest first. Only
 * candles the provider served are analysed: a hole without trades is never invented.
 */
export function closesToQueue(
  series: CandleSeries,
  lastStoredCandleTime: string | undefined,
  missed: number,
  lookbackCandles: number,
): CandleSeries[] {
  const { candles } = series;
  const after = lastStoredCandleTime === undefined ? Infinity : Date.parse(lastStoredCandleTime);
  const latest = candles.length - 1;
  let first = latest;
  while (first > 0 && latest - first < missed && (candles[first - 1]?.time ?? 0) > after) first -= 1;
  const windows: CandleSeries[] = [];
  for (let end = first; end <= latest; end += 1) {
    windows.push({ ...series, candles: candles.slice(Math.max(0, end + 1 - lookbackCandles), end + 1) });
  }
  return windows;
}

export interface SymbolOutcome {
  symbol: string;
  status: "queued" | "failed";
  provider?: string;
  /** The latest close queued. */
  candleTime?: string;
  /** Earlier closes queued because ticks were missed since the last stored signal, oldest first. */
  caughtUp?: string[];
  /** Why missed closes could not be looked for this tick. */
  catchUpError?: string;
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
  /** Missed closes caught up per symbol (0 or absent: only the latest close). Needs `ports.latest`. */
  catchUpCandles?: number;
}

export interface FetchTickPorts {
  sources: (symbol: string) => PriceSource[];
  queue: AnalysisQueue;
  /** The last stored signal per symbol, for the catch-up; absent: only the latest close is queued. */
  latest?: LatestSignals;
  sleep?: (ms: number) => Promise<void>;
}

/** True when the series lacks the candle that closed at `now` although the symbol never stops trading. */
const lagsBehind = (symbol: string, series: CandleSeries, timeframe: Timeframe, now: number): boolean =>
  tradesContinuously(symbol) && (series.candles.at(-1)?.time ?? 0) < lastClosedOpenTime(timeframe, now);

/** The last stored signal's candle time; a failed read costs only the catch-up (reported), never the tick. */
async function lastStoredCandleTime(
  symbol: string,
  input: FetchTickInput,
  ports: FetchTickPorts,
): Promise<{ lastStored?: string; catchUpError?: string }> {
  if (!ports.latest || !input.catchUpCandles) return {};
  try {
    return { lastStored: await ports.latest.latestCandleTime(symbol, input.timeframe) };
  } catch (error) {
    return { catchUpError: `last stored signal unreadable, no catch-up: ${errorMessage(error)}` };
  }
}

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
    input.symbols.map(async (symbol): Promise<{ outcome: SymbolOutcome; requests: AnalysisRequest[] }> => {
      const { lastStored, catchUpError } = await lastStoredCandleTime(symbol, input, ports);
      const missed = missedCloses(input.timeframe, input.now, lastStored, input.catchUpCandles ?? 0);
      const query = {
        symbol,
        timeframe: input.timeframe,
        limit: input.lookbackCandles + missed,
        now: input.now,
      };
      const fetchOnce = () => Promise.race([fetchThroughChain(ports.sources(symbol), query), outOfTime]);
      let { series, attempts } = await fetchOnce();
      if (series && input.lagRetryMs && lagsBehind(symbol, series, input.timeframe, input.now)) {
        await (ports.sleep ?? sleep)(input.lagRetryMs);
        const again = await fetchOnce();
        if (again.series && (again.series.candles.at(-1)?.time ?? 0) > (series.candles.at(-1)?.time ?? 0))
          ({ series, attempts } = again);
      }
      if (!series) {
        const error = noProviderServed(symbol, input.timeframe, attempts);
        return { outcome: { symbol, status: "failed", attempts, error }, requests: [] };
      }
      try {
        const requests = closesToQueue(series, lastStored, missed, input.lookbackCandles).map((window) =>
          analysisRequestFor(symbol, input.timeframe, window),
        );
        const outcome: SymbolOutcome = {
          symbol,
          status: "queued",
          provider: series.provider,
          candleTime: requests.at(-1)?.candleTime,
          ...(requests.length > 1 ? { caughtUp: requests.slice(0, -1).map((r) => r.candleTime) } : {}),
          ...(catchUpError ? { catchUpError } : {}),
          gaps: series.gaps,
          attempts,
        };
        return { outcome, requests };
      } catch (error) {
        return {
          outcome: {
            symbol,
            status: "failed",
            provider: series.provider,
            attempts,
            error: errorMessage(error),
          },
          requests: [],
        };
      }
    }),
  );
  clearTimeout(timer);
  const toSend = fetched.flatMap((f) => f.requests.map((request) => ({ outcome: f.outcome, request })));
  const sent = await ports.queue
    .send(toSend.map((f) => f.request))
    .catch((error: unknown) => toSend.map(() => ({ error: errorMessage(error) })));
  toSend.forEach((f, index) => {
    const error = sent[index]?.error;
    if (error) Object.assign(f.outcome, { status: "failed", error: `queue: ${error}` });
  });
  const outcomes = fetched.map((f) => f.outcome);
  const queued = outcomes.filter((o) => o.status === "queued").length;
  return { now: input.now, outcomes, queued, failed: outcomes.length - queued };
}
