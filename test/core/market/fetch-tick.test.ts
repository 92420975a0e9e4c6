import { describe, expect, it, vi } from "vitest";
import type { AnalysisRequest } from "../../../functions/core/analysis-request";
import type { Candle } from "../../../functions/core/candles";
import {
  closesToQueue,
  fetchThroughChain,
  missedCloses,
  runFetchTick,
} from "../../../functions/core/fetch-tick";
import { CandleRejection, ProviderError } from "../../../functions/core/market-errors";
import type {
  AnalysisQueue,
  CandleQuery,
  CandleSeries,
  PriceSource,
  SendResult,
} from "../../../functions/core/ports";

const HOUR = 3_600_000;
const NOW = Date.parse("2024-03-01T12:00:05Z");
const closed = (n: number): Candle[] =>
  Array.from({ length: n }, (_, i) => {
    const close = 100 + i;
    return {
      time: NOW - 5000 - (n - i) * HOUR,
      open: close,
      high: close + 1,
      low: close - 1,
      close,
      volume: 1,
    };
  });

/** An in-memory PriceSource: per symbol, a series or an error to throw. */
class FakeSource implements PriceSource {
  readonly queries: CandleQuery[] = [];
  constructor(
    readonly name: string,
    private readonly answers: Record<string, CandleSeries | Error>,
  ) {}
  async fetchClosedCandles(query: CandleQuery): Promise<CandleSeries> {
    this.queries.push(query);
    const answer = this.answers[query.symbol] ?? new ProviderError(this.name, "unknown-symbol", query.symbol);
    if (answer instanceof Error) throw answer;
    return answer;
  }
}

class FakeQueue implements AnalysisQueue {
  readonly sent: AnalysisRequest[] = [];
  constructor(private readonly refuse: string[] = []) {}
  async send(requests: AnalysisRequest[]): Promise<SendResult[]> {
    return requests.map((request) => {
      if (this.refuse.includes(request.symbol)) return { request, error: "InternalError: try again" };
      this.sent.push(request);
      return { request };
    });
  }
}

const series = (provider: string, n = 60, gaps = 0): CandleSeries => ({ provider, candles: closed(n), gaps });
const tick = { timeframe: "1h" as const, lookbackCandles: 60, now: NOW };
const query = { symbol: "BTC-USD", timeframe: "1h" as const, limit: 60, now: NOW };

describe("fetchThroughChain", () => {
  it("moves on after a blocked provider and a rejected series, and records why", async () => {
    const binance = new FakeSource("binance", {
      "BTC-USD": new ProviderError("binance", "blocked", "HTTP 451"),
    });
    const coinbase = new FakeSource("coinbase", {
      "BTC-USD": new CandleRejection("coinbase", "high 90 < low 95"),
    });
    const kraken = new FakeSource("kraken", { "BTC-USD": series("kraken") });
    const result = await fetchThroughChain([binance, coinbase, kraken], query);
    expect(result.series?.provider).toBe("kraken");
    expect(result.attempts).toEqual([
      { provider: "binance", outcome: "failed", reason: "HTTP 451" },
      { provider: "coinbase", outcome: "rejected", reason: "high 90 < low 95" },
    ]);
    expect(kraken.queries[0]).toEqual({ symbol: "BTC-USD", timeframe: "1h", limit: 60, now: NOW });
  });

  it("counts an empty answer as a failure, not a series", async () => {
    const empty = new FakeSource("coinbase", { "BTC-USD": { provider: "coinbase", candles: [], gaps: 0 } });
    const result = await fetchThroughChain([empty], query);
    expect(result.series).toBeUndefined();
    expect(result.attempts[0]?.reason).toMatch(/empty/);
  });
});

describe("runFetchTick", () => {
  it("sends one request per symbol for its latest closed candle, naming the serving provider", async () => {
    const coinbase = new FakeSource("coinbase", { "BTC-USD": series("coinbase", 60, 2) });
    const kraken = new FakeSource("kraken", { "ETH-USD": series("kraken") });
    const queue = new FakeQueue();
    const result = await runFetchTick(
      { symbols: ["BTC-USD", "ETH-USD"], ...tick },
      { sources: () => [coinbase, kraken], queue },
    );
    expect(result).toMatchObject({ queued: 2, failed: 0 });
    const btc = queue.sent.find((r) => r.symbol === "BTC-USD");
    expect(btc).toMatchObject({
      v: 1,
      provider: "coinbase",
      gaps: 2,
      candleTime: "2024-03-01T11:00:00.000Z",
    });
    expect(btc?.candles).toHaveLength(60);
    expect(btc?.candles.at(-1)).toEqual([Date.parse("2024-03-01T11:00:00Z"), 159, 160, 158, 159, 1]);
    expect(queue.sent.find((r) => r.symbol === "ETH-USD")?.provider).toBe("kraken");
  });

  it("reports a symbol no provider serves and still sends the others", async () => {
    const coinbase = new FakeSource("coinbase", {
      "BTC-USD": series("coinbase"),
      "SOL-USD": new CandleRejection("coinbase", "stale: last close too old"),
    });
    const queue = new FakeQueue();
    const result = await runFetchTick(
      { symbols: ["BTC-USD", "SOL-USD", "ETH-USD"], ...tick },
      { sources: (symbol) => (symbol === "ETH-USD" ? [] : [coinbase]), queue },
    );
    expect(queue.sent.map((r) => r.symbol)).toEqual(["BTC-USD"]);
    expect(result).toMatchObject({ queued: 1, failed: 2 });
    const sol = result.outcomes.find((o) => o.symbol === "SOL-USD");
    expect(sol).toMatchObject({
      status: "failed",
      attempts: [{ provider: "coinbase", outcome: "rejected" }],
    });
    expect(sol?.error).toContain("stale");
    expect(result.outcomes.find((o) => o.symbol === "ETH-USD")?.error).toContain("no provider in the chain");
  });

  it("marks a symbol failed when the queue refuses its message", async () => {
    const coinbase = new FakeSource("coinbase", {
      "BTC-USD": series("coinbase"),
      "ETH-USD": series("coinbase"),
    });
    const result = await runFetchTick(
      { symbols: ["BTC-USD", "ETH-USD"], ...tick },
      { sources: () => [coinbase], queue: new FakeQueue(["ETH-USD"]) },
    );
    expect(result.outcomes.find((o) => o.symbol === "ETH-USD")).toMatchObject({
      status: "failed",
      error: "queue: InternalError: try again",
    });
    expect(result.queued).toBe(1);
  });

  it("sends what has arrived when providers run past the tick's budget", async () => {
    vi.useFakeTimers();
    try {
      const hanging: PriceSource = { name: "kraken", fetchClosedCandles: () => new Promise(() => undefined) };
      const coinbase = new FakeSource("coinbase", { "BTC-USD": series("coinbase") });
      const queue = new FakeQueue();
      const running = runFetchTick(
        { symbols: ["BTC-USD", "ETH-USD"], ...tick, budgetMs: 90_000 },
        { sources: (symbol) => (symbol === "ETH-USD" ? [hanging] : [coinbase]), queue },
      );
      await vi.advanceTimersByTimeAsync(90_000);
      const result = await running;
      expect(queue.sent.map((r) => r.symbol)).toEqual(["BTC-USD"]);
      expect(result.outcomes.find((o) => o.symbol === "ETH-USD")?.error).toContain(
        "within the tick's 90000 ms budget",
      );
    } finally {
      vi.useRealTimers();
    }
  });

  it("fetches a symbol whose newest candle is not the one that just closed once more, after a wait", async () => {
    const lagging = { provider: "coinbase", candles: closed(61).slice(0, 60), gaps: 0 };
    const answers = [lagging, series("coinbase")];
    const waits: number[] = [];
    const coinbase: PriceSource = {
      name: "coinbase",
      fetchClosedCandles: async () => answers.shift() ?? lagging,
    };
    const queue = new FakeQueue();
    await runFetchTick(
      { symbols: ["BTC-USD"], ...tick, lagRetryMs: 5_000 },
      { sources: () => [coinbase], queue, sleep: async (ms) => void waits.push(ms) },
    );
    expect(waits).toEqual([5_000]);
    expect(queue.sent[0]?.candleTime).toBe("2024-03-01T11:00:00.000Z");
  });

  it("does not wait for a symbol that is up to date, nor for a stock outside its session", async () => {
    const stale = { provider: "yahoo", candles: closed(61).slice(0, 60), gaps: 0 };
    const waits: number[] = [];
    const queue = new FakeQueue();
    await runFetchTick(
      { symbols: ["BTC-USD", "AAPL"], ...tick, lagRetryMs: 5_000 },
      {
        sources: () => [new FakeSource("x", { "BTC-USD": series("coinbase"), AAPL: stale })],
        queue,
        sleep: async (ms) => void waits.push(ms),
      },
    );
    expect(waits).toEqual([]);
    expect(queue.sent.find((r) => r.symbol === "AAPL")?.candleTime).toBe("2024-03-01T10:00:00.000Z");
  });
});

describe("catching up missed closes", () => {
  const iso = (ms: number) => new Date(ms).toISOString();
  const latestClosed = NOW - 5000 - HOUR; // open time of the candle that just closed

  it("counts the closes between the last stored signal and the latest, within the bound", () => {
    expect(missedCloses("1h", NOW, undefined, 48)).toBe(0);
    expect(missedCloses("1h", NOW, iso(latestClosed - HOUR), 48)).toBe(0);
    expect(missedCloses("1h", NOW, iso(latestClosed - 4 * HOUR), 48)).toBe(3);
    expect(missedCloses("1h", NOW, iso(latestClosed - 100 * HOUR), 48)).toBe(48);
    // A store ahead of the tick (a resumed replay) misses nothing.
    expect(missedCloses("1h", NOW, iso(latestClosed + 5 * HOUR), 48)).toBe(0);
  });

  it("queues the served candles after the last stored one, each with its own window, never an invented one", () => {
    const candles = closed(10).filter((_, i) => i !== 7); // the hour at index 7 had no trades
    const series = { provider: "kraken", candles, gaps: 1 };
    const lastStored = iso(closed(10)[5]?.time ?? 0);
    const windows = closesToQueue(series, lastStored, 4, 3);
    expect(windows.map((w) => w.candles.at(-1)?.close)).toEqual([106, 108, 109]);
    expect(windows.map((w) => w.candles.map((c) => c.close))).toEqual([
      [104, 105, 106],
      [105, 106, 108],
      [106, 108, 109],
    ]);
    expect(closesToQueue(series, lastStored, 1, 3).map((w) => w.candles.at(-1)?.close)).toEqual([108, 109]);
    expect(closesToQueue(series, undefined, 0, 3)).toHaveLength(1);
  });

  it("queues the missed closes of a tick, and only the latest when the last signal cannot be read", async () => {
    const kraken = new FakeSource("kraken", {
      "BTC-USD": series("kraken", 70),
      "ETH-USD": series("kraken", 70),
    });
    const queue = new FakeQueue();
    const latest = {
      latestCandleTime: async (symbol: string) => {
        if (symbol === "ETH-USD") throw new Error("ProvisionedThroughputExceededException");
        return iso(latestClosed - 3 * HOUR);
      },
    };
    const result = await runFetchTick(
      { ...tick, symbols: ["BTC-USD", "ETH-USD"], catchUpCandles: 48 },
      { sources: () => [kraken], queue, latest },
    );
    expect(kraken.queries.map((q) => [q.symbol, q.limit])).toEqual([
      ["BTC-USD", 62],
      ["ETH-USD", 60],
    ]);
    expect(queue.sent.map((r) => [r.symbol, r.candleTime])).toEqual([
      ["BTC-USD", iso(latestClosed - 2 * HOUR)],
      ["BTC-USD", iso(latestClosed - HOUR)],
      ["BTC-USD", iso(latestClosed)],
      ["ETH-USD", iso(latestClosed)],
    ]);
    expect(queue.sent.every((r) => r.candles.length === 60)).toBe(true);
    const [btc, eth] = result.outcomes;
    expect(btc?.caughtUp).toEqual([iso(latestClosed - 2 * HOUR), iso(latestClosed - HOUR)]);
    expect(eth?.catchUpError).toMatch(/ProvisionedThroughputExceededException/);
    expect(result).toMatchObject({ queued: 2, failed: 0 });
  });
});
