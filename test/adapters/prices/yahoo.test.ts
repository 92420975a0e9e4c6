import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { yahooSource } from "../../../functions/adapters/prices/yahoo";
import { type FakeServer, startFakeServer } from "../../support/http-server";
import { providerError, virtualTime } from "./price-test-kit";

/** A chart answer in Yahoo's format: parallel arrays under indicators.quote[0], nulls where nothing traded. */
function chart(timestamps: number[], closes: Array<number | null>, granularity: string) {
  return {
    chart: {
      result: [
        {
          meta: {
            currency: "USD",
            symbol: "AAPL",
            exchangeName: "NMS",
            instrumentType: "EQUITY",
            gmtoffset: -14400,
            timezone: "EDT",
            exchangeTimezoneName: "America/New_York",
            dataGranularity: granularity,
            range: "",
          },
          timestamp: timestamps,
          indicators: {
            quote: [
              {
                open: closes.map((c) => (c === null ? null : c - 0.5)),
                high: closes.map((c) => (c === null ? null : c + 1.25)),
                low: closes.map((c) => (c === null ? null : c - 1.25)),
                close: closes,
                volume: closes.map((c, i) =>
                  c === null ? null : i === closes.length - 1 ? 0 : 1_000_000 + i,
                ),
              },
            ],
          },
        },
      ],
      error: null,
    },
  };
}

describe("Yahoo Finance adapter", () => {
  let server: FakeServer;
  beforeAll(async () => {
    server = await startFakeServer();
  });
  afterAll(() => server.close());
  const source = () => yahooSource({ baseUrl: server.url, timeoutMs: 2000, ...virtualTime().deps });

  it("reads session-aligned hourly bars, skipping rows without trades and the off-grid closing row", async () => {
    const open = 1_714_743_000; // Fri 2024-05-03 13:30 UTC, 09:30 New York
    const times = [0, 1, 2, 3, 4, 5, 6].map((h) => open + h * 3600);
    const closes = [180.1, 181.2, null, 182.4, 183.0, 183.5, 183.9];
    server.requests.length = 0;
    // The answer ends with the 16:00 close-auction row, off the 09:30 grid.
    server.answer(() => ({ body: chart([...times, open + 6.5 * 3600], [...closes, 183.95], "1h") }));
    const series = await source().fetchClosedCandles({
      symbol: "AAPL",
      timeframe: "1h",
      limit: 50,
      now: Date.parse("2024-05-03T21:00:05Z"),
    });
    const request = server.requests[0];
    expect(request?.path).toBe("/v8/finance/chart/AAPL");
    expect(request?.query.get("interval")).toBe("60m");
    expect(request?.headers["user-agent"]).toMatch(/Mozilla/);
    expect(series.candles.map((c) => new Date(c.time).toISOString().slice(11, 16))).toEqual([
      "13:30",
      "14:30",
      "16:30",
      "17:30",
      "18:30",
      "19:30",
    ]);
    expect(series.candles.at(-1)).toEqual({
      time: (open + 6 * 3600) * 1000,
      open: 183.4,
      high: 185.15,
      low: 182.65,
      close: 183.9,
      volume: 1_000_006,
    });
    expect(series.gaps).toBe(0); // equities pause between sessions; gaps are not counted for them
  });

  it("keys daily bars by their UTC date, so a day counts as closed at midnight", async () => {
    const sessionOpen = (day: string) => Date.parse(`${day}T13:30:00Z`) / 1000;
    const days = ["2024-05-01", "2024-05-02", "2024-05-03"];
    server.answer(() => ({ body: chart(days.map(sessionOpen), [170, 172, 174], "1d") }));
    const series = await source().fetchClosedCandles({
      symbol: "MSFT",
      timeframe: "1d",
      limit: 5,
      now: Date.parse("2024-05-04T00:00:05Z"),
    });
    expect(series.candles.map((c) => new Date(c.time).toISOString())).toEqual(
      days.map((day) => `${day}T00:00:00.000Z`),
    );
  });

  it("reports an unknown ticker from Yahoo's 404 body", async () => {
    server.answer(() => ({
      status: 404,
      body: {
        chart: {
          result: null,
          error: { code: "Not Found", description: "No data found, symbol may be delisted" },
        },
      },
    }));
    const error = await providerError(
      source().fetchClosedCandles({ symbol: "AAPL", timeframe: "1h", limit: 5, now: Date.now() }),
    );
    expect(error.kind).toBe("unknown-symbol");
    expect(error.message).toContain("symbol may be delisted");
  });

  it("refuses 4h without asking, naming the provider", async () => {
    server.requests.length = 0;
    const error = await providerError(
      source().fetchClosedCandles({ symbol: "AAPL", timeframe: "4h", limit: 5, now: Date.now() }),
    );
    expect(error.message).toMatch(/yahoo cannot serve 4h/);
    expect(server.requests).toHaveLength(0);
  });
});
