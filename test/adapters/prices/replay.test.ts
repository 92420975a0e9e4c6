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
import { hasShared, readShared, sharedMissing } from "../../support/shared";

const HOUR = 3_600_000;
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
