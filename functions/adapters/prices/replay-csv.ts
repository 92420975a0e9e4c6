import { candleProblem } from "../../core/candle-checks";
import type { Candle } from "../../core/candles";
import { isoTime } from "../../core/signal";
import { ValidationError } from "../../core/validation";

/**
 * The replay format: a CSV with the header `time,open,high,low,close,volume` and an optional
 * `symbol` column, in any order. `time` is the candle's open time: ISO 8601 UTC, or epoch seconds
 * or milliseconds. `signals candles` writes it; `npm start -- --replay FILE` reads it.
 */
export const REPLAY_COLUMNS = ["time", "open", "high", "low", "close", "volume"] as const;

/** Below this a numeric time is in seconds (1e11 s is the year 5138; 1e11 ms is 1973). */
const SECONDS_BELOW = 1e11;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]00:?00)?$/i;

/** Epoch ms of a replay `time` field, or why it is not one. */
export function parseReplayTime(text: string): number | string {
  if (/^\d+(\.\d+)?$/.test(text)) {
    const value = Number(text);
    return Math.round(value < SECONDS_BELOW ? value * 1000 : value);
  }
  if (!ISO_UTC.test(text)) return "not ISO 8601 UTC, epoch seconds or epoch milliseconds";
  // Without an offset Date.parse would read the local zone; the format says UTC.
  const local = text.replace(" ", "T").replace(/(Z|[+-]00:?00)$/i, "");
  const parsed = Date.parse(local.length === 10 ? local : `${local}Z`);
  return Number.isNaN(parsed) ? "not a valid date" : parsed;
}

const splitLine = (line: string) => line.split(",").map((cell) => cell.trim().replace(/^"(.*)"$/, "$1"));

export interface ParseReplayOptions {
  /** The symbol of every row, for a file without a `symbol` column. */
  symbol?: string;
  /** Names the file in errors. */
  source?: string;
}

/**
 * Reads a replay CSV into candles per symbol, oldest first. Any bad line is reported as
 * `line N, field = value: problem`; duplicated times for a symbol name both lines.
 */
export function parseReplayCsv(text: string, options: ParseReplayOptions = {}): Map<string, Candle[]> {
  const subject = options.source ?? "replay CSV";
  const fail = (problem: string): never => {
    throw new ValidationError(subject, [problem]);
  };
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const header = splitLine(lines[0] ?? "").map((name) => name.toLowerCase());
  const missing = REPLAY_COLUMNS.filter((column) => !header.includes(column));
  if (missing.length > 0)
    fail(
      `line 1, header = ${JSON.stringify(lines[0] ?? "")}: missing ${missing.join(", ")} (expected time,open,high,low,close,volume[,symbol])`,
    );
  const unknown = header.filter(
    (name) => name !== "symbol" && !(REPLAY_COLUMNS as readonly string[]).includes(name),
  );
  if (unknown.length > 0)
    fail(`line 1, header: unknown column ${unknown.map((u) => JSON.stringify(u)).join(", ")}`);
  const symbolColumn = header.indexOf("symbol");
  if (symbolColumn < 0 && !options.symbol)
    fail("line 1, header: no symbol column; name the symbol (--symbol)");

  const series = new Map<string, Array<Candle & { line: number }>>();
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (index === 0 || raw.trim() === "") return;
    const cells = splitLine(raw);
    if (cells.length !== header.length)
      fail(`line ${line}: ${cells.length} fields, the header has ${header.length}`);
    const cell = (name: string) => cells[header.indexOf(name)] ?? "";
    const time = parseReplayTime(cell("time"));
    if (typeof time === "string") fail(`line ${line}, time = ${JSON.stringify(cell("time"))}: ${time}`);
    const values: Record<string, number> = {};
    for (const field of REPLAY_COLUMNS.slice(1)) {
      const value = Number(cell(field));
      if (cell(field) === "" || !Number.isFinite(value))
        fail(`line ${line}, ${field} = ${JSON.stringify(cell(field))}: not a number`);
      values[field] = value;
    }
    const candle = { time: time as number, ...values } as Candle;
    const problem = candleProblem(candle);
    if (problem)
      fail(
        `line ${line}, ${problem.split(" ")[0]} = ${JSON.stringify(cell(problem.split(" ")[0] ?? ""))}: ${problem}`,
      );
    const symbol = symbolColumn >= 0 ? (cells[symbolColumn] ?? "") : (options.symbol as string);
    if (!symbol) fail(`line ${line}, symbol = "": empty`);
    const rows = series.get(symbol) ?? [];
    rows.push({ ...candle, line });
    series.set(symbol, rows);
  });

  const result = new Map<string, Candle[]>();
  for (const [symbol, rows] of series) {
    rows.sort((a, b) => a.time - b.time);
    for (let i = 1; i < rows.length; i++) {
      const [a, b] = [rows[i - 1], rows[i]];
      if (a && b && a.time === b.time)
        fail(`line ${b.line}, time = ${isoTime(b.time)}: ${symbol} already has this time on line ${a.line}`);
    }
    result.set(
      symbol,
      rows.map(({ line: _line, ...candle }) => candle),
    );
  }
  if (result.size === 0) fail("no candles after the header");
  return result;
}

/** Candles in the replay format, with a symbol column so the file replays without --symbol. */
export function formatReplayCsv(symbol: string, candles: readonly Candle[]): string {
  const rows = candles.map((c) =>
    [isoTime(c.time), c.open, c.high, c.low, c.close, c.volume, symbol].join(","),
  );
  return `${[...REPLAY_COLUMNS, "symbol"].join(",")}\n${rows.join("\n")}\n`;
}
