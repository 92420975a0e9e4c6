import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { coinbaseSource } from "../../../functions/adapters/prices/coinbase";
import { type FakeServer, type RecordedRequest, startFakeServer } from "../../support/http-server";
import { hasShared, readSharedJson, sharedMissing } from "../../support/shared";
import { virtualTime } from "./price-test-kit";

type Row = [number, number, number, number, number, number];

/** Answers like Coinbase Exchange: rows of [time s, low, high, open, close, volume], newest first, within start..end. */
const candlesRoute = (rows: Row[]) => (request: RecordedRequest) => {
  const start = Date.parse(request.query.get("start") ?? "") / 1000;
  const end = Date.parse(request.query.get("end") ?? "") / 1000;
  return { body: rows.filter(([time]) => time >= start && time <= end) };
};

const source = (server: FakeServer) =>
  coinbaseSource({ baseUrl: server.url, timeoutMs: 2000, ...virtualTime().deps });

describe("Coinbase Exchange adapter", () => {
  let server: FakeServer;
  beforeAll(async () => {
    server = await startFakeServer();
  });
  afterAll(() => server.close());

  it("asks for the product's candles by granularity and window, and turns newest-first rows oldest first", async () => {
    const t = 1_709_294_400; // 2024-03-01T12:00:00Z
    const rows: Row[] = [
      [t, 61990.5, 62300, 62010, 62150.25, 12.5], // still open at now
      [t - 3600, 61800, 62100, 61850, 62010, 40.1],
      [t - 7200, 61700, 61950, 61900, 61850, 35.2],
      [t - 14400, 61600, 61990, 61700, 61900, 20],
    ];
    server.requests.length = 0;
    server.answer(candlesRoute(rows));
    const series = await source(server).fetchClosedCandles({
      symbol: "BTC-USD",
      timeframe: "1h",
      limit: 4,
      now: (t + 5) * 1000,
    });
    expect(server.requests[0]?.path).toBe("/products/BTC-USD/candles");
    expect(server.requests[0]?.query.get("granularity")).toBe("3600");
    expect(series.provider).toBe("coinbase");
    expect(series.candles.map((c) => c.time / 1000)).toEqual([t - 14400, t - 7200, t - 3600]);
    expect(series.candles.at(-1)).toEqual({
      time: (t - 3600) * 1000,
      open: 61850,
      high: 62100,
      low: 61800,
      close: 62010,
      volume: 40.1,
    });
    expect(series.gaps).toBe(1); // no row for t - 10800: no trades, kept as a gap
  });

  it("builds 4h candles from hourly ones, since Coinbase has no 4h granularity", async () => {
    const t = 1_709_294_400; // 12:00
    const rows: Row[] = Array.from({ length: 8 }, (_, i): Row => {
      const time = t - (i + 1) * 3600; // 11:00 down to 04:00
      return [time, 100 - i, 110 + i, 105, 106 - i, 1];
    });
    server.answer(candlesRoute(rows));
    const series = await source(server).fetchClosedCandles({
      symbol: "BTC-USD",
      timeframe: "4h",
      limit: 2,
      now: (t + 5) * 1000,
    });
    expect(series.candles).toEqual([
      { time: (t - 8 * 3600) * 1000, open: 105, high: 117, low: 93, close: 102, volume: 4 },
      { time: (t - 4 * 3600) * 1000, open: 105, high: 113, low: 97, close: 106, volume: 4 },
    ]);
  });

  describe.skipIf(!hasShared("reference", "exchanges"))(
    `recorded responses (${sharedMissing("reference", "exchanges")} when skipped)`,
    () => {
      it("reads a recorded hourly answer and drops the newest, still open candle", async () => {
        const rows = readSharedJson<Row[]>(
          "reference",
          "exchanges",
          "coinbase-exchange-candles-BTC-USD-3600.json",
        );
        server.answer(candlesRoute(rows));
        const newest = rows[0]?.[0] ?? 0;
        const series = await source(server).fetchClosedCandles({
          symbol: "BTC-USD",
          timeframe: "1h",
          limit: 100,
          now: newest * 1000 + 5000,
        });
        expect(series.candles).toHaveLength(100);
        expect(series.candles.at(-1)?.time).toBe((newest - 3600) * 1000);
        const [time, low, high, open, close, volume] = rows[1] as Row;
        expect(series.candles.at(-1)).toEqual({ time: time * 1000, open, high, low, close, volume });
        expect(series.candles.every((c, i, all) => i === 0 || c.time > (all[i - 1]?.time ?? 0))).toBe(true);
      });
    },
  );

  describe.skipIf(!hasShared("data", "exchanges"))(
    `recorded pages (${sharedMissing("data", "exchanges")} when skipped)`,
    () => {
      it("pages a window of more than 300 candles and joins the pages without duplicates", async () => {
        const page1 = readSharedJson<Row[]>(
          "data",
          "exchanges",
          "coinbase-exchange-candles-BTC-USD-60-page1.json",
        );
        const page2 = readSharedJson<Row[]>(
          "data",
          "exchanges",
          "coinbase-exchange-candles-BTC-USD-60-page2.json",
        );
        const newest = page2[0]?.[0] ?? 0;
        server.requests.length = 0;
        server.answer((request) => {
          const start = Date.parse(request.query.get("start") ?? "") / 1000;
          return { body: start === page1.at(-1)?.[0] ? page1 : start === page2.at(-1)?.[0] ? page2 : [] };
        });
        const series = await source(server).fetchClosedCandles({
          symbol: "BTC-USD",
          timeframe: "1m",
          limit: 600,
          now: (newest + 60) * 1000 + 5000,
        });
        expect(server.requests).toHaveLength(2);
        expect(series.candles).toHaveLength(600);
        expect(series.candles[0]?.time).toBe((page1.at(-1)?.[0] ?? 0) * 1000);
        expect(series.candles.at(-1)?.time).toBe(newest * 1000);
        expect(new Set(series.candles.map((c) => c.time)).size).toBe(600);
        expect(series.gaps).toBe(0);
      });
    },
  );
});
