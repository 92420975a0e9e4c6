import { candleProblem } from "../../core/candle-checks";
import type { Candle } from "../../core/candles";
import { isoTime } from "../../core/signal";
import { quoteInput, resolveSymbol, SymbolError } from "../../core/symbols";
import { ValidationError } from "../../core/validation";

/**
 * The replay format: a CSV with the header `time,open,high,low,close,volume` and an optional
 * `symbol` column, in any order. `time` is the candle's open time: ISO 8601 UTC, or epoch seconds
 * or milliseconds. `signals candles` writes it; `npm start -- --replay FILE` reads it.
 */
export const REPLAY_COLUMNS = ["time", "open", "high", "low", "close", "volume"] as const;
type Column = (typeof REPLAY_COLUMNS)[number];

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

/** One symbol's rows in file order, and whether their times only ever rose. */
interface SymbolRows {
  candles: Candle[];
  lines: number[];
  ascending: boolean;
}

/**
 * Reads a replay CSV one line at a time (`add`), keeping only the candles, so a file can be streamed
 * through it; `finish` returns them per symbol, oldest first. Any bad line is reported as
 * `line N, field = value: problem`; duplicated times for a symbol name both lines. Symbols go
 * through resolveSymbol, so `btc-usd` is BTC-USD and an unknown one fails on its first line.
 */
export class ReplayCsvParser {
  private readonly subject: string;
  private lineNumber = 0;
  private header: string[] = [];
  private columns: Record<Column, number> | undefined;
  private symbolColumn = -1;
  private readonly resolved = new Map<string, string>();
  private readonly series = new Map<string, SymbolRows>();

  constructor(private readonly options: ParseReplayOptions = {}) {
    this.subject = options.source ?? "replay CSV";
  }

  private fail(problem: string): never {
    throw new ValidationError(this.subject, [problem]);
  }

  add(raw: string): void {
    this.lineNumber += 1;
    if (this.lineNumber === 1) this.readHeader(raw.replace(/^\uFEFF/, ""));
    else if (raw.trim() !== "") this.readRow(raw, this.lineNumber);
  }

  private readHeader(raw: string): void {
    const header = splitLine(raw).map((name) => name.toLowerCase());
    const missing = REPLAY_COLUMNS.filter((column) => !header.includes(column));
    if (missing.length > 0)
      this.fail(
        `line 1, header = ${quoteInput(raw)}: missing ${missing.join(", ")} (expected time,open,high,low,close,volume[,symbol])`,
      );
    const unknown = header.filter(
      (name) => name !== "symbol" && !(REPLAY_COLUMNS as readonly string[]).includes(name),
    );
    if (unknown.length > 0)
      this.fail(`line 1, header: unknown column ${unknown.map((u) => quoteInput(u)).join(", ")}`);
    this.symbolColumn = header.indexOf("symbol");
    if (this.symbolColumn < 0 && !this.options.symbol)
      this.fail("line 1, header: no symbol column; name the symbol (--symbol)");
    this.header = header;
    const columns = {} as Record<Column, number>;
    for (const name of REPLAY_COLUMNS) columns[name] = header.indexOf(name);
    this.columns = columns;
  }

  private readRow(raw: string, line: number): void {
    const columns = this.columns as Record<Column, number>;
    const cells = splitLine(raw);
    if (cells.length !== this.header.length)
      this.fail(`line ${line}: ${cells.length} fields, the header has ${this.header.length}`);
    const cell = (name: Column) => cells[columns[name]] ?? "";
    const time = parseReplayTime(cell("time"));
    if (typeof time === "string") this.fail(`line ${line}, time = ${quoteInput(cell("time"))}: ${time}`);
    const candle: Candle = { time, open: 0, high: 0, low: 0, close: 0, volume: 0 };
    for (const field of ["open", "high", "low", "close", "volume"] as const) {
      const value = Number(cell(field));
      if (cell(field) === "" || !Number.isFinite(value))
        this.fail(`line ${line}, ${field} = ${quoteInput(cell(field))}: not a number`);
      candle[field] = value;
    }
    const problem = candleProblem(candle);
    if (problem) {
      const field = problem.split(" ")[0] as Column;
      this.fail(`line ${line}, ${field} = ${quoteInput(cell(field))}: ${problem}`);
    }
    const rows = this.rowsOf(
      this.symbolColumn >= 0 ? (cells[this.symbolColumn] ?? "") : (this.options.symbol as string),
      line,
    );
    const previous = rows.candles.at(-1);
    if (previous && previous.time >= candle.time) rows.ascending = false;
    rows.candles.push(candle);
    rows.lines.push(line);
  }

  private rowsOf(text: string, line: number): SymbolRows {
    if (!text) this.fail(`line ${line}, symbol = "": empty`);
    let symbol = this.resolved.get(text);
    if (!symbol) {
      try {
        symbol = resolveSymbol(text);
      } catch (error) {
        if (error instanceof SymbolError) this.fail(`line ${line}: ${error.message}`);
        throw error;
      }
      this.resolved.set(text, symbol);
    }
    const rows = this.series.get(symbol) ?? { candles: [], lines: [], ascending: true };
    this.series.set(symbol, rows);
    return rows;
  }

  /** The candles per symbol, oldest first; throws when a symbol has a time twice or there are none. */
  finish(): Map<string, Candle[]> {
    if (this.lineNumber === 0) this.readHeader("");
    const result = new Map<string, Candle[]>();
    for (const [symbol, rows] of this.series) {
      // Files are usually in time order already; only the others pay for a sort.
      result.set(symbol, rows.ascending ? rows.candles : this.sorted(symbol, rows));
    }
    if (result.size === 0) this.fail("no candles after the header");
    return result;
  }

  private sorted(symbol: string, { candles, lines }: SymbolRows): Candle[] {
    const order = candles.map((_, index) => index);
    order.sort((a, b) => (candles[a]?.time ?? 0) - (candles[b]?.time ?? 0) || a - b);
    for (let i = 1; i < order.length; i++) {
      const [a, b] = [order[i - 1] ?? 0, order[i] ?? 0];
      const time = candles[b]?.time ?? 0;
      if (candles[a]?.time === time)
        this.fail(
          `line ${lines[b]}, time = ${isoTime(time)}: ${symbol} already has this time on line ${lines[a]}`,
        );
    }
    return order.map((index) => candles[index] as Candle);
  }
}

/** Reads a whole replay CSV held in memory (tests, small files); files stream through ReplayCsvParser. */
export function parseReplayCsv(text: string, options: ParseReplayOptions = {}): Map<string, Candle[]> {
  const parser = new ReplayCsvParser(options);
  for (const line of text.split(/\r?\n/)) parser.add(line);
  return parser.finish();
}

/** Candles in the replay format, with a symbol column so the file replays without --symbol. */
export function formatReplayCsv(symbol: string, candles: readonly Candle[]): string {
  const rows = candles.map((c) =>
    [isoTime(c.time), c.open, c.high, c.low, c.close, c.volume, symbol].join(","),
  );
  return `${[...REPLAY_COLUMNS, "symbol"].join(",")}\n${rows.join("\n")}\n`;
}
