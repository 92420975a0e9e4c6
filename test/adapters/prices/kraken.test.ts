import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { krakenSource } from "../../../functions/adapters/prices/kraken";
import { CandleRejection } from "../../../functions/core/market-errors";
import { type FakeServer, startFakeServer } from "../../support/http-server";
import { hasShared, readSharedJson, sharedMissing } from "../../support/shared";
import { providerError, virtualTime } from "./price-test-kit";

type Row = [number, string, string, string, string, string, string, number];
interface OhlcBody {
  error: string[];
  result: Record<string, Row[] | number>;
}

const source = (server: FakeServer) =>
  krakenSource({ baseUrl: server.url, timeoutMs: 2000, ...virtualTime().deps });
const HOUR_S = 3600;

describe("Kraken adapter", () => {
  let server: FakeServer;
  beforeAll(async () => {
    server = await startFakeServer();
  });
  afterAll(() => server.close());

  it("reads the pair under Kraken's own key, honours `last`, and asks with Kraken's pair name and interval", async () => {
    const t = 1_709_294_400;
    const row = (time: number, close: string, count = 10): Row => [
      time,
      close,
      "62100.0",
      "61800.0",
      close,
      "62000.0",
      "3.5",
      count,
    ];
    const body: OhlcBody = {
      error: [],
      result: {
        XXBTZUSD: [
          row(t - 3 * HOUR_S, "62000.0"),
          row(t - 2 * HOUR_S, "62010.5"),
          row(t - HOUR_S, "62020.0"),
          row(t, "62050.0"),
        ],
        last: t - HOUR_S,
      },
    };
    server.requests.length = 0;
    server.answer(() => ({ body }));
    // An hour later than the data: the last row would count as closed by the clock, but `last` says it is open.
    const series = await source(server).fetchClosedCandles({
      symbol: "BTC-USD",
      timeframe: "1h",
      limit: 4,
      now: (t + HOUR_S) * 1000 + 5000,
    });
    const query = server.requests[0]?.query;
    expect(server.requests[0]?.path).toBe("/0/public/OHLC");
    expect([query?.get("pair"), query?.get("interval")]).toEqual(["XBTUSD", "60"]);
    expect(series.candles.map((c) => c.time / 1000)).toEqual([t - 3 * HOUR_S, t - 2 * HOUR_S, t - HOUR_S]);
    expect(series.candles.at(-1)).toEqual({
      time: (t - HOUR_S) * 1000,
      open: 62020,
      high: 62100,
      low: 61800,
      close: 62020,
      volume: 3.5,
    });
  });

  it("reports Kraken's errors: an unknown pair moves the chain on", async () => {
    server.answer(() => ({ body: { error: ["EQuery:Unknown asset pair"] } }));
    const error = await providerError(
      source(server).fetchClosedCandles({ symbol: "SOL-USD", timeframe: "1h", limit: 10, now: Date.now() }),
    );
    expect([error.kind, error.message]).toEqual([
      "unknown-symbol",
      "kraken unknown-symbol: EQuery:Unknown asset pair",
    ]);
  });

  describe.skipIf(!hasShared("reference", "exchanges"))(
    `recorded responses (${sharedMissing("reference", "exchanges")} when skipped)`,
    () => {
      it("reads the recorded hourly answer and drops its open last candle", async () => {
        const body = readSharedJson<OhlcBody>("reference", "exchanges", "kraken-ohlc-XBTUSDT-60.json");
        const last = body.result.last as number;
        server.answer(() => ({ body }));
        const series = await source(server).fetchClosedCandles({
          symbol: "BTC-USD",
          timeframe: "1h",
          limit: 10,
          now: (last + HOUR_S) * 1000 + 5000,
        });
        expect(series.candles).toHaveLength(6);
        expect(series.candles.at(-1)).toMatchObject({
          time: last * 1000,
          open: 67363.6,
          close: 67341.9,
          volume: 10.62040474,
        });
      });
    },
  );

  describe.skipIf(!hasShared("data", "exchanges"))(
    `recorded one-minute answer (${sharedMissing("data", "exchanges")} when skipped)`,
    () => {
      const body = hasShared("data", "exchanges")
        ? readSharedJson<OhlcBody>("data", "exchanges", "kraken-ohlc-XBTUSDT-1.json")
        : { error: [], result: {} };
      const rows = (body.result.XBTUSDT ?? []) as Row[];

      it("keeps minutes without trades as gaps instead of Kraken's filler rows", async () => {
        const traded = rows.filter((row) => row[7] > 0);
        const lastTraded = traded.at(-1)?.[0] ?? 0;
        server.answer(() => ({ body }));
        const series = await source(server).fetchClosedCandles({
          symbol: "BTC-USD",
          timeframe: "1m",
          limit: 720,
          now: (lastTraded + 60) * 1000 + 5000,
        });
        const window = traded.filter((row) => row[0] <= lastTraded);
        expect(series.candles).toHaveLength(window.length);
        const span = (lastTraded - (window[0]?.[0] ?? 0)) / 60 + 1;
        expect(series.gaps).toBe(span - window.length);
        expect(series.gaps).toBeGreaterThan(100);
      });

      it("rejects the series as stale when the last traded minute is more than two minutes old", async () => {
        server.answer(() => ({ body }));
        const last = body.result.last as number;
        const error = await source(server)
          .fetchClosedCandles({
            symbol: "BTC-USD",
            timeframe: "1m",
            limit: 720,
            now: (last + 60) * 1000 + 5000,
          })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(CandleRejection);
        expect((error as CandleRejection).reason).toMatch(/^stale: last close/);
      });
    },
  );
});
