// Loaders for the real series in ../shared/data/ohlcv, each in its publisher's own format.
import { readFileSync } from "node:fs";
import type { Candle } from "../functions/core/candles";
import { sharedPath } from "../test/support/shared";

export const OHLCV = ["data", "ohlcv"] as const;

const candle = (time: number, cells: Array<string | number | undefined>): Candle => {
  const [open, high, low, close, volume] = cells.map(Number) as number[];
  return { time, open, high, low, close, volume } as Candle;
};

/** QuantConnect Lean: no header, `YYYYMMDD HH:mm,open,high,low,close,volume`, UTC. */
export function loadLeanCsv(file: string): Candle[] {
  return readFileSync(sharedPath(...OHLCV, file), "utf8")
    .trim()
    .split("\n")
    .map((line) => {
      const [stamp = "", ...cells] = line.split(",");
      const [, y, m, d, hh, mm] = /^(\d{4})(\d\d)(\d\d) (\d\d):(\d\d)$/.exec(stamp) ?? [];
      return candle(Date.parse(`${y}-${m}-${d}T${hh}:${mm}:00Z`), cells);
    });
}

/** pandas `orient=columns` JSON with ms timestamps in `date`. */
export function loadPandasJson(file: string): Candle[] {
  const columns = JSON.parse(readFileSync(sharedPath(...OHLCV, file), "utf8")) as Record<
    "date" | "open" | "high" | "low" | "close" | "volume",
    Record<string, number>
  >;
  return Object.keys(columns.date)
    .map((row) =>
      candle(columns.date[row] as number, [
        columns.open[row],
        columns.high[row],
        columns.low[row],
        columns.close[row],
        columns.volume[row],
      ]),
    )
    .sort((a, b) => a.time - b.time);
}

/** A pandas CSV: an unnamed date index column, then Open,High,Low,Close,Volume (GOOG daily). */
export function loadIndexedCsv(file: string): Candle[] {
  const [, ...rows] = readFileSync(sharedPath(...OHLCV, file), "utf8")
    .trim()
    .split("\n");
  return rows.map((line) => {
    const [date = "", ...cells] = line.split(",");
    return candle(Date.parse(`${date}T00:00:00Z`), cells);
  });
}

export const SERIES = {
  btc5m: {
    file: "binance-BTCUSDT-5m-2023-01_02.json",
    symbol: "BTC-USD",
    timeframe: "5m",
    load: loadPandasJson,
  },
  btc1d: {
    file: "coinbase-BTCUSD-1d-2014-12_2018-08.csv",
    symbol: "BTC-USD",
    timeframe: "1d",
    load: loadLeanCsv,
  },
  goog1d: { file: "GOOG-1d-2004_2013.csv", symbol: "GOOG", timeframe: "1d", load: loadIndexedCsv },
} as const;
