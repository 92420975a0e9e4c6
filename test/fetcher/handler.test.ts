import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import type { Context } from "aws-lambda";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { ReplaySource } from "../../functions/adapters/prices/replay";
import { type AnalysisRequest, AnalysisRequestSchema } from "../../functions/core/analysis-request";
import { parseConfig } from "../../functions/core/config";
import { captureLogs } from "../support/capture-logs";
import { startTestQueues, startTestTable } from "../support/emulators";
import { type FakeServer, type RecordedRequest, startFakeServer } from "../support/http-server";
import { sampleSignal } from "../support/telegram-fixtures";

const T = 1_709_294_400; // 2024-03-01T12:00:00Z, a candle close
const SCHEDULED = "2024-03-01T12:00:00Z";
const context = {
  awsRequestId: "test-request",
  functionName: "fetcher",
  getRemainingTimeInMillis: () => 120_000,
} as Context;

/** Coinbase rows for the 80 hours before T, newest first; SOL-USD's carry a high below the low. */
function coinbaseRoute(request: RecordedRequest) {
  const product = request.path.split("/")[2] ?? "";
  const rows = Array.from({ length: 80 }, (_, i) => {
    const time = T - (i + 1) * 3600;
    const close = 100 + i;
    return product === "SOL-USD"
      ? [time, close + 5, close - 5, close, close, 1]
      : [time, close - 1, close + 1, close, close, 2];
  });
  return { body: rows };
}

/** Kraken rows for the same hours, under Kraken's own pair key, with `last` set; it lists no SOL pair here. */
function krakenRoute(request: RecordedRequest) {
  if (request.query.get("pair") === "SOLUSD") return { body: { error: ["EQuery:Unknown asset pair"] } };
  const rows = Array.from({ length: 80 }, (_, i) => {
    const time = T - (80 - i) * 3600;
    return [time, "200.0", "201.0", "199.0", "200.5", "200.2", "3.0", 12];
  });
  return { body: { error: [], result: { XXBTZUSD: rows, last: T - 3600 } } };
}

describe("fetcher handler on local-aws-sqs", () => {
  let queues: Awaited<ReturnType<typeof startTestQueues>>;
  let table: Awaited<ReturnType<typeof startTestTable>>;
  let coinbase: FakeServer;
  let kraken: FakeServer;
  let binance: FakeServer;
  let handlerModule: typeof import("../../functions/fetcher/handler");
  let wiring: typeof import("../../functions/fetcher/wiring");

  beforeAll(async () => {
    process.env.POWERTOOLS_METRICS_DISABLED = "true";
    [queues, table, coinbase, kraken, binance] = await Promise.all([
      startTestQueues(),
      startTestTable(),
      startFakeServer(coinbaseRoute),
      startFakeServer(krakenRoute),
      startFakeServer(() => ({
        status: 451,
        body: { code: 0, msg: "Service unavailable from a restricted location" },
      })),
    ]);
    handlerModule = await import("../../functions/fetcher/handler");
    wiring = await import("../../functions/fetcher/wiring");
  });
  afterAll(() =>
    Promise.all([queues.close(), table.close(), coinbase.close(), kraken.close(), binance.close()]),
  );
  beforeEach(() => {
    // The deployed fetcher reads each symbol's last stored signal from the table (the catch-up).
    vi.stubEnv("TABLE_NAME", table.tableName);
    vi.stubEnv("AWS_ENDPOINT_URL_DYNAMODB", table.endpoint);
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await drainQueue();
  });

  /** The env a deployed fetcher reads, pointed at the emulator and the fake exchanges. */
  function stubDeployedEnv() {
    vi.stubEnv("QUEUE_URL", queues.queueUrl);
    vi.stubEnv("AWS_ENDPOINT_URL_SQS", queues.endpoint);
    vi.stubEnv("COINBASE_API_URL", coinbase.url);
    vi.stubEnv("KRAKEN_API_URL", kraken.url);
    vi.stubEnv("BINANCE_API_URL", binance.url);
  }

  async function drainQueue(): Promise<AnalysisRequest[]> {
    const bodies: AnalysisRequest[] = [];
    for (;;) {
      const { Messages = [] } = await queues.client.send(
        new ReceiveMessageCommand({ QueueUrl: queues.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      if (Messages.length === 0) return bodies;
      for (const message of Messages)
        bodies.push(AnalysisRequestSchema.parse(JSON.parse(message.Body ?? "")));
    }
  }

  it("queues every good symbol when one symbol's candles are rejected by every provider", async () => {
    stubDeployedEnv();
    const config = parseConfig({ watchlist: ["BTC-USD", "SOL-USD", "ETH-USD"], lookbackCandles: 60 });
    const handler = handlerModule.createFetcherHandler(wiring.fetcherDepsFromEnv(config));
    const logged = await captureLogs(() => handler({ scheduledTime: SCHEDULED }, context));
    const result = logged.result;
    expect(logged.lines.filter((line) => line.message === "candles rejected")).toEqual([
      expect.objectContaining({
        level: "WARN",
        symbol: "SOL-USD",
        provider: "coinbase",
        reason: expect.stringMatching(/^high/),
      }),
    ]);

    expect(result).toMatchObject({ now: "2024-03-01T12:00:00.000Z", queued: 2, failed: 1 });
    const sol = result.symbols.find((s) => s.symbol === "SOL-USD");
    expect(sol?.status).toBe("failed");
    expect(sol?.error).toMatch(
      /^no provider served SOL-USD 1h: coinbase: high \d+ < low \d+ at .*; kraken: unknown-symbol: EQuery:Unknown asset pair; binance: HTTP 451 "Service unavailable from a restricted location"\. binance refuses requests from this location \(HTTP 451\): use another provider \(the providers in signals\.config\.ts\) or run from another region$/,
    );
    const messages = await drainQueue();
    expect(messages.map((m) => m.symbol).sort()).toEqual(["BTC-USD", "ETH-USD"]);
    for (const message of messages) {
      expect(message).toMatchObject({
        provider: "coinbase",
        timeframe: "1h",
        candleTime: "2024-03-01T11:00:00.000Z",
      });
      expect(message.candles).toHaveLength(60);
    }
  });

  it("Binance answers 451: the queued request names the next provider in the chain", async () => {
    stubDeployedEnv();
    const config = parseConfig({
      watchlist: [{ symbol: "BTC-USD", providers: ["binance", "kraken"] }],
      lookbackCandles: 60,
    });
    binance.requests.length = 0;
    const result = await handlerModule.createFetcherHandler(wiring.fetcherDepsFromEnv(config))(
      { scheduledTime: SCHEDULED },
      context,
    );
    expect(result.symbols).toEqual([
      { symbol: "BTC-USD", status: "queued", provider: "kraken", candleTime: "2024-03-01T11:00:00.000Z" },
    ]);
    expect(binance.requests.length).toBeGreaterThan(0);
    const [message] = await drainQueue();
    expect(message).toMatchObject({ symbol: "BTC-USD", provider: "kraken" });
    expect(message?.candles.at(-1)).toEqual([(T - 3600) * 1000, 200, 201, 199, 200.5, 3]);
  });

  it("takes overridden sources (the local runtime's replay) and needs no exchange or env for them", async () => {
    vi.stubEnv("QUEUE_URL", queues.queueUrl);
    vi.stubEnv("AWS_ENDPOINT_URL_SQS", queues.endpoint);
    const rows = Array.from({ length: 70 }, (_, i) => `${T - (70 - i) * 3600},10,11,9,10.5,1,ETH-USD`);
    const replay = ReplaySource.fromCsv(["time,open,high,low,close,volume,symbol", ...rows].join("\n"));
    const config = parseConfig({ watchlist: ["ETH-USD"], lookbackCandles: 60 });
    const deps = wiring.fetcherDepsFromEnv(config, {
      sources: () => [replay],
      clock: { now: () => T * 1000 + 3000 },
    });
    const result = await handlerModule.createFetcherHandler(deps)({}, context);
    expect(result).toMatchObject({ now: "2024-03-01T12:00:03.000Z", queued: 1 });
    expect((await drainQueue())[0]).toMatchObject({ symbol: "ETH-USD", provider: "replay" });
  });

  it("catches up the closes missed since the symbol's last stored signal, each with its own lookback", async () => {
    stubDeployedEnv();
    await table.store.putSignal(
      sampleSignal({
        symbol: "ETH-USD",
        timeframe: "1h",
        candleTime: "2024-03-01T08:00:00.000Z",
        alert: false,
      }),
    );
    const config = parseConfig({ watchlist: ["BTC-USD", "ETH-USD"], lookbackCandles: 60 });
    const result = await handlerModule.createFetcherHandler(wiring.fetcherDepsFromEnv(config))(
      { scheduledTime: SCHEDULED },
      context,
    );
    expect(result.symbols.find((s) => s.symbol === "ETH-USD")).toMatchObject({
      status: "queued",
      candleTime: "2024-03-01T11:00:00.000Z",
      caughtUp: 2,
    });
    const messages = await drainQueue();
    const eth = messages
      .filter((m) => m.symbol === "ETH-USD")
      .sort((a, b) => a.candleTime.localeCompare(b.candleTime));
    expect(eth.map((m) => m.candleTime)).toEqual([
      "2024-03-01T09:00:00.000Z",
      "2024-03-01T10:00:00.000Z",
      "2024-03-01T11:00:00.000Z",
    ]);
    for (const message of eth) {
      expect(message.candles).toHaveLength(60);
      expect(message.candles.at(-1)?.[0]).toBe(Date.parse(message.candleTime));
    }
    // Nothing stored yet for BTC-USD: it starts at its latest close, no back-fill.
    expect(messages.filter((m) => m.symbol === "BTC-USD").map((m) => m.candleTime)).toEqual([
      "2024-03-01T11:00:00.000Z",
    ]);
  });

  it("refuses an event whose scheduledTime is not a time, naming the field and value", async () => {
    const deps = wiring.fetcherDepsFromEnv(parseConfig({}), { queue: { send: async () => [] } });
    await expect(
      handlerModule.createFetcherHandler(deps)({ scheduledTime: "noon" }, context),
    ).rejects.toThrow('invalid fetcher event: scheduledTime = "noon"');
  });
});
