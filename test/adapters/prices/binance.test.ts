import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { binanceSource } from "../../../functions/adapters/prices/binance";
import { type FakeServer, startFakeServer } from "../../support/http-server";
import { hasShared, readSharedJson, sharedMissing } from "../../support/shared";
import { providerError, virtualTime } from "./price-test-kit";

type Kline = [number, string, string, string, string, string, number, string, number, string, string, string];

const kline = (time: number, close: string): Kline => [
  time,
  close,
  "62100.00000000",
  "61800.00000000",
  close,
  "12.50000000",
  time + 3_599_999,
  "775000.0",
  100,
  "6.0",
  "372000.0",
  "0",
];
const RESTRICTED = {
  code: 0,
  msg: "Service unavailable from a restricted location according to 'b. Eligibility' in https://www.binance.com/en/terms.",
};

describe("Binance adapter", () => {
  let dataHost: FakeServer;
  let mainHost: FakeServer;
  beforeAll(async () => {
    [dataHost, mainHost] = await Promise.all([startFakeServer(), startFakeServer()]);
  });
  afterAll(() => Promise.all([dataHost.close(), mainHost.close()]));
  const source = () =>
    binanceSource({ baseUrls: [dataHost.url, mainHost.url], timeoutMs: 2000, ...virtualTime().deps });

  it("reads string prices and millisecond times, and drops the kline whose closeTime has not passed", async () => {
    const t = Date.parse("2024-03-01T12:00:00Z");
    const klines = [
      kline(t - 2 * 3_600_000, "62000.10"),
      kline(t - 3_600_000, "62010.20"),
      kline(t, "62050.00"),
    ];
    dataHost.requests.length = 0;
    dataHost.answer(() => ({ body: klines }));
    const series = await source().fetchClosedCandles({
      symbol: "ETH-USD",
      timeframe: "1h",
      limit: 5,
      now: t + 5000,
    });
    const query = dataHost.requests[0]?.query;
    expect(dataHost.requests[0]?.path).toBe("/api/v3/klines");
    expect([query?.get("symbol"), query?.get("interval")]).toEqual(["ETHUSDT", "1h"]);
    expect(series.candles.map((c) => c.time)).toEqual([t - 2 * 3_600_000, t - 3_600_000]);
    expect(series.candles.at(-1)).toEqual({
      time: t - 3_600_000,
      open: 62010.2,
      high: 62100,
      low: 61800,
      close: 62010.2,
      volume: 12.5,
    });
  });

  it("asks the market-data host first and api.binance.com only when that host is unavailable", async () => {
    const t = Date.parse("2024-03-01T12:00:00Z");
    dataHost.requests.length = 0;
    mainHost.requests.length = 0;
    dataHost.answer(() => ({ status: 503, body: "<html>Service Unavailable</html>" }));
    mainHost.answer(() => ({ body: [kline(t - 3_600_000, "62010.20")] }));
    const series = await source().fetchClosedCandles({
      symbol: "BTC-USD",
      timeframe: "1h",
      limit: 1,
      now: t + 5000,
    });
    expect(series.candles).toHaveLength(1);
    expect([dataHost.requests.length, mainHost.requests.length]).toEqual([1, 1]);
  });

  it("fails as blocked when both hosts answer 451, and does not ask a blocked host again", async () => {
    dataHost.requests.length = 0;
    dataHost.answer(() => ({ status: 451, body: RESTRICTED }));
    mainHost.answer(() => ({ status: 451, body: RESTRICTED }));
    const binance = source();
    const query = { symbol: "BTC-USD", timeframe: "1h" as const, limit: 10, now: Date.now() };
    const error = await providerError(binance.fetchClosedCandles(query));
    expect(error.kind).toBe("blocked");
    expect(error.message).toContain("HTTP 451");
    expect((await providerError(binance.fetchClosedCandles({ ...query, symbol: "ETH-USD" }))).kind).toBe(
      "blocked",
    );
    expect(dataHost.requests).toHaveLength(1);
  });

  describe.skipIf(!hasShared("data", "exchanges"))(
    `recorded responses (${sharedMissing("data", "exchanges")} when skipped)`,
    () => {
      it("reads recorded one-minute klines", async () => {
        const klines = readSharedJson<Kline[]>("data", "exchanges", "binance-klines-BTCUSDT-1m.json");
        const lastOpen = klines.at(-1)?.[0] ?? 0;
        dataHost.answer(() => ({ body: klines }));
        const series = await source().fetchClosedCandles({
          symbol: "BTC-USD",
          timeframe: "1m",
          limit: 20,
          now: lastOpen + 30_000,
        });
        expect(series.candles).toHaveLength(klines.length - 1);
        const [time, open, high, low, close, volume] = klines.at(-2) as Kline;
        expect(series.candles.at(-1)).toEqual({
          time,
          open: Number(open),
          high: Number(high),
          low: Number(low),
          close: Number(close),
          volume: Number(volume),
        });
      });

      it("reports the recorded 451 body as blocked", async () => {
        const body = readSharedJson("data", "exchanges", "binance-error-451-restricted-location.json");
        dataHost.answer(() => ({ status: 451, body }));
        mainHost.answer(() => ({ status: 451, body }));
        const error = await providerError(
          source().fetchClosedCandles({ symbol: "BTC-USD", timeframe: "1h", limit: 10, now: Date.now() }),
        );
        expect(error.message).toMatch(/blocked: HTTP 451 .*restricted location/);
      });
    },
  );
});
