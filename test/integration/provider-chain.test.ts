import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoStore } from "../../functions/adapters/dynamo-store";
import { parseConfig } from "../../functions/core/config";
import { timeframeMs } from "../../functions/core/timeframes";
import { type LocalPipeline, startLocalPipeline } from "../../local/runtime";
import { sampleSeries } from "../../local/sample-series";
import { type FakeServer, startFakeServer } from "../support/http-server";

// Its own file: handlers keep one AWS client per process, as on Lambda, so one pipeline per process.
const HOUR = timeframeMs("1h");
const NOW = Date.parse("2026-06-01T12:30:00Z");

describe("the provider chain, end to end", () => {
  let binance: FakeServer;
  let kraken: FakeServer;
  let pipeline: LocalPipeline;
  let dataDir: string;
  const candles = sampleSeries("BTC-USD", "1h", 300, NOW);
  const tickTime = (candles.at(-1)?.time ?? 0) + HOUR;

  beforeAll(async () => {
    binance = await startFakeServer(() => ({
      status: 451,
      body: {
        code: 0,
        msg: "Service unavailable from a restricted location according to 'b. Eligibility' in https://www.binance.com/en/terms.",
      },
    }));
    kraken = await startFakeServer((request) => {
      const since = Number(request.query.get("since") ?? 0) * 1000;
      const rows = candles
        .filter((c) => c.time > since)
        .map((c) => [
          c.time / 1000,
          `${c.open}`,
          `${c.high}`,
          `${c.low}`,
          `${c.close}`,
          `${c.close}`,
          `${c.volume}`,
          42,
        ]);
      return { body: { error: [], result: { XXBTZUSD: rows, last: (candles.at(-1)?.time ?? 0) / 1000 } } };
    });
    Object.assign(process.env, { BINANCE_API_URL: binance.url, KRAKEN_API_URL: kraken.url });
    delete process.env.TELEGRAM_BOT_TOKEN;
    dataDir = mkdtempSync(join(tmpdir(), "signals-chain-"));
    const chainConfig = parseConfig({ watchlist: [{ symbol: "BTC-USD", providers: ["binance", "kraken"] }] });
    pipeline = await startLocalPipeline({ config: chainConfig, dataDir, log: () => {} });
    await pipeline.tick(tickTime);
  }, 60_000);

  afterAll(async () => {
    await pipeline?.close();
    await binance?.close();
    await kraken?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("stores the signal with the next provider named when Binance answers 451", async () => {
    expect(binance.requests.length).toBeGreaterThan(0);
    expect(kraken.requests.length).toBeGreaterThan(0);
    const [signal] = await new DynamoStore(pipeline.tableName).history("BTC-USD", "1h");
    expect(signal?.provider).toBe("kraken");
    expect(signal?.candleTime).toBe(new Date(tickTime - HOUR).toISOString());
    expect(signal?.price).toBe(candles.at(-1)?.close);
  });
});
