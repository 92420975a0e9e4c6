import { mkdtemp, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadReplayFile, MAX_REPLAY_BYTES, ReplaySource } from "../../../functions/adapters/prices/replay";
import {
  formatReplayCsv,
  parseReplayCsv,
  parseReplayTime,
} from "../../../functions/adapters/prices/replay-csv";
import { CandleRejection, ProviderError } from "../../../functions/core/market-errors";
import { hasShared, readShared, sharedMissing, sharedPath } from "../../support/shared";

const HOUR = 3_600_000;
const CDD = "cryptodatadownload-coinbase-BTCUSD-1d-2014_2019.csv";
const FREQTRADE_JSON = "binance-BTCUSDT-5m-2023-01_02.json";
const T0 = Date.parse("2024-03-01T00:00:00Z");
const hourly = (n: number, symbol = "BTC-USD") =>
  [
    "time,open,high,low,close,volume,symbol",
    ...Array.from(
      { length: n },
      (_, h) =>
        `${new Date(T0 + h * HOUR).toISOString()},${100 + h},${102 + h},${99 + h},${101 + h},${10 + h},${symbol}`,
    ),
  ].join("\n");

const parseError = (text: string, options = {}): string => {
  try {
    parseReplayCsv(text, options);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected a parse error");
};

describe("replay CSV", () => {
  it("reads ISO 8601 UTC, epoch seconds and epoch milliseconds as the candle's open time", () => {
    expect(parseReplayTime("2024-03-01T00:00:00Z")).toBe(T0);
    expect(parseReplayTime("2024-03-01T00:00:00.000+00:00")).toBe(T0);
    expect(parseReplayTime("2024-03-01 00:00")).toBe(T0);
    expect(parseReplayTime("2024-03-01")).toBe(T0);
    expect(parseReplayTime("1709251200")).toBe(T0);
    expect(parseReplayTime("1709251200000")).toBe(T0);
    expect(parseReplayTime("2024-03-01T01:00:00+01:00")).toMatch(/not ISO 8601 UTC/);
  });

  it("reads columns in any order, with or without a symbol column, sorting each symbol's candles", () => {
    const text =
      "symbol,close,time,open,low,high,volume\nETH-USD,3001,1709254800,3000,2990,3010,5\nETH-USD,2999,1709251200,3002,2980,3005,4\n";
    expect(parseReplayCsv(text).get("ETH-USD")).toEqual([
      { time: T0, open: 3002, high: 3005, low: 2980, close: 2999, volume: 4 },
      { time: T0 + HOUR, open: 3000, high: 3010, low: 2990, close: 3001, volume: 5 },
    ]);
    const noSymbol = "time,open,high,low,close,volume\r\n1709251200000,1,2,0.5,1.5,0\r\n";
    expect([...parseReplayCsv(noSymbol, { symbol: "SOL-USD" }).keys()]).toEqual(["SOL-USD"]);
  });

  it.each([
    [
      "a missing column",
      "time,open,high,low,close\n1709251200,1,2,0.5,1.5",
      /line 1, header = .*missing volume/,
    ],
    [
      "no symbol column and no --symbol",
      "time,open,high,low,close,volume\n1709251200,1,2,0.5,1.5,3",
      /no symbol column/,
    ],
    [
      "a bad time",
      `${hourly(2)}\nyesterday,1,2,0.5,1.5,3,BTC-USD`,
      /line 4, time = "yesterday": not ISO 8601 UTC/,
    ],
    [
      "a bad number",
      `${hourly(2)}\n2024-03-02T00:00:00Z,1,2,0.5,abc,3,BTC-USD`,
      /line 4, close = "abc": not a number/,
    ],
    [
      "a zero price",
      `${hourly(2)}\n2024-03-02T00:00:00Z,0,2,0.5,1,3,BTC-USD`,
      /line 4, open = "0": open 0 is not a positive price/,
    ],
    [
      "high below low",
      `${hourly(2)}\n2024-03-02T00:00:00Z,1,0.5,2,1,3,BTC-USD`,
      /line 4, high = "0.5": high 0.5 < low 2/,
    ],
    [
      "an open above the high",
      `${hourly(2)}\n2024-03-02T00:00:00Z,2.5,2,0.5,1,3,BTC-USD`,
      /line 4, open = "2.5": open 2.5 is outside \[low 0.5, high 2\]/,
    ],
    [
      "a close below the low",
      `${hourly(2)}\n2024-03-02T00:00:00Z,1,2,0.5,0.4,3,BTC-USD`,
      /line 4, close = "0.4": close 0.4 is outside \[low 0.5, high 2\]/,
    ],
    [
      "an unknown symbol",
      `${hourly(2)}\n2024-03-02T00:00:00Z,1,2,0.5,1,3,DOGE-XYZ`,
      /line 4: unknown symbol "DOGE-XYZ"; similar: DOGE-USD$/,
    ],
    [
      "a huge cell, quoted only in part",
      `${hourly(2)}\n2024-03-02T00:00:00Z,${"9".repeat(50_000)}x,2,0.5,1,3,BTC-USD`,
      new RegExp(`line 4, open = "${"9".repeat(40)}…": not a number$`),
    ],
    ["a short row", `${hourly(2)}\n2024-03-02T00:00:00Z,1,2`, /line 4: 3 fields, the header has 7/],
    [
      "a duplicated time",
      `${hourly(3)}\n2024-03-01T01:00:00Z,1,2,0.5,1,3,BTC-USD`,
      /line 5, time = 2024-03-01T01:00:00.000Z: BTC-USD already has this time on line 3/,
    ],
  ])("names the line, field and value of %s", (_name, text, message) => {
    expect(parseError(text, { source: "prices.csv" })).toMatch(/^invalid prices\.csv: /);
    expect(parseError(text)).toMatch(message);
  });

  it("reads any spelling of a symbol as the canonical one, in the column and in --symbol", () => {
    const text = `${hourly(2, "btc-usd")}\n${new Date(T0 + 2 * HOUR).toISOString()},1,2,0.5,1,3,BTC/USD`;
    const series = parseReplayCsv(text);
    expect([...series.keys()]).toEqual(["BTC-USD"]);
    expect(series.get("BTC-USD")).toHaveLength(3);
    const noSymbol = "time,open,high,low,close,volume\n1709251200000,1,2,0.5,1.5,0\n";
    expect([...parseReplayCsv(noSymbol, { symbol: "eth" }).keys()]).toEqual(["ETH-USD"]);
  });

  describe("the shapes real exports have", () => {
    const candle = (hour: number, open: number) => ({
      time: T0 + hour * HOUR,
      open,
      high: open + 2,
      low: open - 1,
      close: open + 1,
      volume: 10,
    });
    const read = (text: string) => ({
      candles: parseReplayCsv(text, { symbol: "BTC-USD" }).get("BTC-USD"),
      notes: ReplaySource.fromCsv(text, { symbol: "BTC-USD" }).notes,
    });

    it.each([
      [
        "date, as YYYY-MM-DD HH:mm",
        "date,open,high,low,close,volume\n2024-03-01 00:00,100,102,99,101,10\n2024-03-01 01:00,101,103,100,102,10",
      ],
      [
        "date, as YYYY-MM-DD HH:mm:ss",
        "Date,Open,High,Low,Close,Volume\n2024-03-01 00:00:00,100,102,99,101,10\n2024-03-01 01:00:00,101,103,100,102,10",
      ],
      [
        "timestamp, in ms",
        "timestamp,open,high,low,close,volume\n1709251200000,100,102,99,101,10\n1709254800000,101,103,100,102,10",
      ],
      [
        "unix, in seconds",
        "unix,open,high,low,close,volume\n1709251200,100,102,99,101,10\n1709254800,101,103,100,102,10",
      ],
      [
        "unix, in microseconds",
        "unix,open,high,low,close,volume\n1709251200000000,100,102,99,101,10\n1709254800000000,101,103,100,102,10",
      ],
    ])("takes %s as the time column", (_name, text) => {
      expect(read(text)).toEqual({ candles: [candle(0, 100), candle(1, 101)], notes: [] });
    });

    it("ignores extra columns with one note naming them", () => {
      const text =
        "unix,date,symbol,open,high,low,close,volume_btc,volume,trades\n1709251200,2024-03-01,BTCUSD,100,102,99,101,0.1,10,7";
      const source = ReplaySource.fromCsv(text);
      expect(source.symbols()).toEqual(["BTC-USD"]);
      expect(source.notes).toEqual(['ignored columns "date", "volume_btc", "trades"']);
      expect(read("time,open,high,low,close,Volume BTC\n1709251200,100,102,99,101,10").notes).toEqual([]);
    });

    it("skips a banner line before the header, and says so", () => {
      const text =
        "Created on 10-17-2019,https://www.CryptoDataDownload.com\ndate,open,high,low,close,volume\n2024-03-01,100,102,99,101,10";
      expect(read(text).notes).toEqual([
        'skipped 1 line before the header (line 1: "Created on 10-17-2019,https://www.CryptoDataDownload.com")',
      ]);
    });

    it("reads semicolons as separators, with decimal commas", () => {
      const text =
        "time;open;high;low;close;volume\n1709251200;100,5;102;99;101;10\n1709254800;101;103;100;102;10,25";
      expect(read(text).candles).toEqual([
        { ...candle(0, 100), open: 100.5 },
        { ...candle(1, 101), volume: 10.25 },
      ]);
    });

    it("sorts newest-first rows oldest first, with a note", () => {
      const text =
        "date,open,high,low,close,volume\n2024-03-01 02:00,102,104,101,103,10\n2024-03-01 01:00,101,103,100,102,10\n2024-03-01 00:00,100,102,99,101,10";
      expect(read(text)).toEqual({
        candles: [candle(0, 100), candle(1, 101), candle(2, 102)],
        notes: ["the rows are newest first; sorted oldest first"],
      });
    });

    it("quotes at most 200 characters of a line that is no header, and says what JSON is", () => {
      const json = JSON.stringify({
        date: Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [i, T0 + i])),
      });
      const message = parseError(json, { source: "prices.json" });
      expect(json.length).toBeGreaterThan(1_000_000);
      expect(message).toMatch(
        /^invalid prices\.json: line 1, header = "\{\\"date\\".*…": missing time, open, high, low, close, volume; this looks like JSON, and a replay is a CSV/,
      );
      expect(message.length).toBeLessThan(500);
      const wide = parseError(`${hourly(1)}\n${"7,".repeat(100_000)}`);
      expect(wide).toMatch(/^invalid replay CSV: line 3: 100001 fields, the header has 7 \("7,7,/);
      expect(wide.length).toBeLessThan(400);
    });
  });

  it("writes what it reads", () => {
    const candles = parseReplayCsv(hourly(3)).get("BTC-USD") ?? [];
    const text = formatReplayCsv("BTC-USD", candles);
    expect(text.split("\n")[0]).toBe("time,open,high,low,close,volume,symbol");
    expect(parseReplayCsv(text).get("BTC-USD")).toEqual(candles);
  });
});

describe("ReplaySource", () => {
  const replay = ReplaySource.fromCsv(hourly(48));

  it("serves only the candles closed by the query's now, so a replay is deterministic", async () => {
    const series = await replay.fetchClosedCandles({
      symbol: "BTC-USD",
      timeframe: "1h",
      limit: 5,
      now: T0 + 10 * HOUR + 1,
    });
    expect(series).toMatchObject({ provider: "replay", gaps: 0 });
    expect(series.candles.map((c) => (c.time - T0) / HOUR)).toEqual([5, 6, 7, 8, 9]);
    expect(replay.span("BTC-USD")).toEqual({ first: T0, last: T0 + 47 * HOUR, stepMs: HOUR });
  });

  it("builds larger timeframes from the data and refuses smaller ones", async () => {
    const series = await replay.fetchClosedCandles({
      symbol: "BTC-USD",
      timeframe: "4h",
      limit: 3,
      now: T0 + 24 * HOUR,
    });
    expect(series.candles.map((c) => (c.time - T0) / HOUR)).toEqual([12, 16, 20]);
    expect(series.candles.at(-1)).toEqual({
      time: T0 + 20 * HOUR,
      open: 120,
      high: 125,
      low: 119,
      close: 124,
      volume: 126,
    });
    await expect(
      replay.fetchClosedCandles({ symbol: "BTC-USD", timeframe: "15m", limit: 3, now: T0 + 24 * HOUR }),
    ).rejects.toThrow(/cannot be built/);
  });

  it("rejects as stale once the replay has run out, and names what it has for an unknown symbol", async () => {
    const late = replay.fetchClosedCandles({
      symbol: "BTC-USD",
      timeframe: "1h",
      limit: 5,
      now: T0 + 60 * HOUR,
    });
    await expect(late).rejects.toBeInstanceOf(CandleRejection);
    const unknown = replay.fetchClosedCandles({
      symbol: "ETH-USD",
      timeframe: "1h",
      limit: 5,
      now: T0 + 10 * HOUR,
    });
    await expect(unknown).rejects.toThrow(ProviderError);
    await expect(unknown).rejects.toThrow("the replay has no ETH-USD (it has BTC-USD)");
  });

  it("loads a file line by line, naming it and the line in errors", async () => {
    const dir = await mkdtemp(join(tmpdir(), "replay-"));
    await writeFile(join(dir, "good.csv"), `\uFEFF${hourly(3).replaceAll("\n", "\r\n")}\r\n`);
    await writeFile(join(dir, "bad.csv"), "when,price\n1,2\n");
    await writeFile(join(dir, "late.csv"), `${hourly(3)}\n2024-03-02T00:00:00Z,1,0.5,2,1,3,BTC-USD\n`);
    await writeFile(join(dir, "empty.csv"), "");
    const good = await loadReplayFile(join(dir, "good.csv"));
    expect(good.symbols()).toEqual(["BTC-USD"]);
    expect(good.span("BTC-USD")).toEqual({ first: T0, last: T0 + 2 * HOUR, stepMs: HOUR });
    await expect(loadReplayFile(join(dir, "bad.csv"))).rejects.toThrow(
      `invalid ${join(dir, "bad.csv")}: line 1`,
    );
    await expect(loadReplayFile(join(dir, "late.csv"))).rejects.toThrow(
      `invalid ${join(dir, "late.csv")}: line 5, high = "0.5": high 0.5 < low 2`,
    );
    await expect(loadReplayFile(join(dir, "empty.csv"))).rejects.toThrow(/line 1, header = "": missing/);
  });

  it("refuses a file above the stated size before reading it, naming both sizes", async () => {
    const dir = await mkdtemp(join(tmpdir(), "replay-"));
    const file = join(dir, "huge.csv");
    // A sparse file: its size is real, its bytes need not be written.
    await writeFile(file, hourly(3));
    await truncate(file, MAX_REPLAY_BYTES + 44 * 2 ** 20);
    await expect(loadReplayFile(file)).rejects.toThrow(
      `invalid ${file}: the file is 300 MiB; replays above 256 MiB are refused`,
    );
  });

  describe.skipIf(!hasShared("data", "ohlcv"))(
    `recorded data (${sharedMissing("data", "ohlcv")} when skipped)`,
    () => {
      it.skipIf(!hasShared("data", "ohlcv", CDD))(
        `reads CryptoDataDownload's export as it comes: banner, extra columns, newest first (${sharedMissing("data", "ohlcv", CDD)} when skipped)`,
        async () => {
          const source = await loadReplayFile(sharedPath("data", "ohlcv", CDD));
          expect(source.symbols()).toEqual(["BTC-USD"]);
          const rows = readShared("data", "ohlcv", CDD).trim().split("\n").length - 2;
          const span = source.span("BTC-USD");
          expect(span).toEqual({
            first: Date.parse("2014-12-01T00:00:00Z"),
            last: Date.parse("2019-10-17T00:00:00Z"),
            stepMs: 24 * HOUR,
          });
          expect(source.notes).toEqual([
            'skipped 1 line before the header (line 1: "Created on 10-17-2019,https://www.CryptoDataDownload.com")',
            'ignored column "volume_btc"',
            "the rows are newest first; sorted oldest first",
          ]);
          const series = await source.fetchClosedCandles({
            symbol: "BTC-USD",
            timeframe: "1d",
            limit: 5000,
            now: (span?.last ?? 0) + 24 * HOUR,
          });
          expect(series.candles).toHaveLength(rows);
          expect(series.candles.at(-1)).toEqual({
            time: Date.parse("2019-10-17T00:00:00Z"),
            open: 7993.54,
            high: 8070,
            low: 7937.01,
            close: 8034.32,
            volume: 12537245.82,
          });
        },
      );

      it.skipIf(!hasShared("data", "ohlcv", FREQTRADE_JSON))(
        `refuses a 1 MB JSON file quoting at most 200 characters of it (${sharedMissing("data", "ohlcv", FREQTRADE_JSON)} when skipped)`,
        async () => {
          const file = sharedPath("data", "ohlcv", FREQTRADE_JSON);
          const error = await loadReplayFile(file, { symbol: "BTC-USD" }).catch((e: Error) => e);
          expect(error).toBeInstanceOf(Error);
          const message = (error as Error).message;
          expect(message).toContain("this looks like JSON, and a replay is a CSV");
          expect(message.length).toBeLessThan(file.length + 500);
        },
      );

      it("replays real hourly candles converted to the replay format", async () => {
        // Lean's format: `YYYYMMDD HH:mm,open,high,low,close,volume`, no header.
        const lines = readShared("data", "ohlcv", "binance-BTCUSDT-1h-2018-05-01_05.csv").trim().split("\n");
        const rows = lines.map((line) => {
          const [stamp = "", ...values] = line.split(",");
          const iso = `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9)}:00Z`;
          return [iso, ...values].join(",");
        });
        const source = ReplaySource.fromCsv(["time,open,high,low,close,volume", ...rows].join("\n"), {
          symbol: "BTC-USD",
        });
        const span = source.span("BTC-USD");
        expect(span?.stepMs).toBe(HOUR);
        const series = await source.fetchClosedCandles({
          symbol: "BTC-USD",
          timeframe: "4h",
          limit: 1000,
          now: (span?.last ?? 0) + HOUR,
        });
        expect(series.candles).toHaveLength(lines.length / 4);
        expect(series.gaps).toBe(0);
      });
    },
  );
});
