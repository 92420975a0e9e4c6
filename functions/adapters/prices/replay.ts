import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createInterface } from "node:readline";
import { closedSeries } from "../../core/candle-checks";
import type { Candle } from "../../core/candles";
import { ProviderError } from "../../core/market-errors";
import type { CandleQuery, CandleSeries, PriceSource } from "../../core/ports";
import { tradesContinuously } from "../../core/symbols";
import { timeframeMs } from "../../core/timeframes";
import { ValidationError } from "../../core/validation";
import { type ParseReplayOptions, ReplayCsvParser } from "./replay-csv";

export interface ReplaySpan {
  /** Open time of the first and the last candle, epoch ms. */
  first: number;
  last: number;
  /** The data's own candle length (the smallest step between candles). */
  stepMs: number;
}

/** Index of the first candle not closed by `now` (candles sorted by time). */
function closedCount(candles: readonly Candle[], stepMs: number, now: number): number {
  let low = 0;
  let high = candles.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((candles[mid]?.time ?? 0) + stepMs <= now) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * A recorded series served as if live: a query sees only the candles closed by its `now`, so a run
 * over a replay is deterministic. Larger timeframes are built from the data's own candles.
 */
export class ReplaySource implements PriceSource {
  readonly name = "replay";
  private readonly series: ReadonlyMap<string, readonly Candle[]>;
  private readonly spans = new Map<string, ReplaySpan | undefined>();

  /** `notes`: what reading the file did that the user should know (columns ignored, rows sorted). */
  constructor(
    series: ReadonlyMap<string, readonly Candle[]>,
    readonly notes: readonly string[] = [],
  ) {
    this.series = new Map(
      [...series].map(([symbol, candles]) => [symbol, [...candles].sort((a, b) => a.time - b.time)]),
    );
  }

  static fromCsv(text: string, options: ParseReplayOptions = {}): ReplaySource {
    const parser = new ReplayCsvParser(options);
    for (const line of text.split(/\r?\n/)) parser.add(line);
    return new ReplaySource(parser.finish(), parser.notes);
  }

  symbols(): string[] {
    return [...this.series.keys()];
  }

  span(symbol: string): ReplaySpan | undefined {
    if (!this.spans.has(symbol)) this.spans.set(symbol, this.measure(symbol));
    return this.spans.get(symbol);
  }

  private measure(symbol: string): ReplaySpan | undefined {
    const candles = this.series.get(symbol);
    const first = candles?.[0];
    const last = candles?.at(-1);
    if (!candles || !first || !last) return undefined;
    let stepMs = Number.POSITIVE_INFINITY;
    for (let i = 1; i < candles.length; i++) {
      stepMs = Math.min(stepMs, (candles[i]?.time ?? 0) - (candles[i - 1]?.time ?? 0));
    }
    return { first: first.time, last: last.time, stepMs: Number.isFinite(stepMs) ? stepMs : 0 };
  }

  async fetchClosedCandles(query: CandleQuery): Promise<CandleSeries> {
    const candles = this.series.get(query.symbol);
    const span = this.span(query.symbol);
    if (!candles || !span)
      throw new ProviderError(
        "replay",
        "unknown-symbol",
        `the replay has no ${query.symbol} (it has ${this.symbols().join(", ")})`,
      );
    const step = timeframeMs(query.timeframe);
    const stepMs = span.stepMs || step;
    if (step % stepMs !== 0)
      throw new ProviderError(
        "replay",
        "unsupported",
        `${query.symbol} data is ${stepMs / 60_000} min apart; ${query.timeframe} cannot be built from it`,
      );
    const factor = step / stepMs;
    const end = closedCount(candles, stepMs, query.now);
    const window = candles.slice(Math.max(0, end - (query.limit + 1) * factor), end);
    if (window.length === 0)
      throw new ProviderError(
        "replay",
        "empty",
        `no ${query.symbol} candle closed by ${new Date(query.now).toISOString()}`,
      );
    const series = closedSeries(window, {
      provider: "replay",
      timeframe: query.timeframe,
      sourceStepMs: stepMs,
      now: query.now,
      limit: query.limit,
      continuous: tradesContinuously(query.symbol),
    });
    return { provider: "replay", ...series };
  }
}

/**
 * The largest replay file read. A file streams line by line and only its candles stay in memory
 * (a 200 MB file of 2.7 M candles peaks near 600 MB); above this size it is refused before reading.
 */
export const MAX_REPLAY_BYTES = 256 * 2 ** 20;

const mebibytes = (bytes: number) => `${Number((bytes / 2 ** 20).toFixed(1))} MiB`;

/** Reads a replay CSV file (the format of `signals candles --out`) as a stream. */
export async function loadReplayFile(
  path: string,
  options: Omit<ParseReplayOptions, "source"> = {},
): Promise<ReplaySource> {
  const { size } = await stat(path);
  if (size > MAX_REPLAY_BYTES)
    throw new ValidationError(path, [
      `the file is ${mebibytes(size)}; replays above ${mebibytes(MAX_REPLAY_BYTES)} are refused (fetch fewer days, or one symbol per file)`,
    ]);
  const parser = new ReplayCsvParser({ ...options, source: path });
  const lines = createInterface({
    input: createReadStream(path, "utf8"),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  for await (const line of lines) parser.add(line);
  return new ReplaySource(parser.finish(), parser.notes);
}
