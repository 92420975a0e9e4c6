import { candleProblem } from "../../core/candle-checks";
import type { Candle } from "../../core/candles";
import { isoTime } from "../../core/signal";
import { quoteInput, resolveSymbol, SymbolError } from "../../core/symbols";
import { ValidationError } from "../../core/validation";
import {
  EXPECTED_HEADER,
  ignoredColumnsNote,
  quoteLine,
  type ReplayLayout,
  readLayout,
  splitCells,
} from "./replay-csv-layout";

/**
 * The replay format: a CSV with a header naming `time,open,high,low,close,volume` and an optional
 * `symbol` column, in any order. `time` is the candle's open time: ISO 8601 UTC, `YYYY-MM-DD HH:mm[:ss]`
 * (UTC), or epoch seconds, milliseconds or microseconds. `signals candles` writes it;
 * `npm start -- --replay FILE` reads it, and also what real exports look like: the time column named
 * `date`, `timestamp` or `unix`, extra columns (ignored, with one note), a banner line before the
 * header, semicolons as separators, newest-first rows (sorted, with a note).
 */
export const REPLAY_COLUMNS = ["time", "open", "high", "low", "close", "volume"] as const;

/** Below this a numeric time is in seconds (1e11 s is the year 5138; 1e11 ms is 1973), below 1e14 ms. */
const SECONDS_BELOW = 1e11;
const MILLISECONDS_BELOW = 1e14;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]00:?00)?$/i;

/** Epoch ms of a replay `time` field, or why it is not one. */
export function parseReplayTime(text: string): number | string {
  if (/^\d+(\.\d+)?$/.test(text)) {
    const value = Number(text);
    const ms = value < SECONDS_BELOW ? value * 1000 : value < MILLISECONDS_BELOW ? value : value / 1000;
    return Math.round(ms);
  }
  if (!ISO_UTC.test(text))
    return "not ISO 8601 UTC, YYYY-MM-DD HH:mm[:ss], or epoch seconds, milliseconds or microseconds";
  // Without an offset Date.parse would read the local zone; the format says UTC.
  const local = text.replace(" ", "T").replace(/(Z|[+-]00:?00)$/i, "");
  const parsed = Date.parse(local.length === 10 ? local : `${local}Z`);
  return Number.isNaN(parsed) ? "not a valid date" : parsed;
}

export interface ParseReplayOptions {
  /** The symbol of every row, for a file without a `symbol` column. */
  symbol?: string;
  /** Names the file in errors. */
  source?: string;
}

/** One symbol's rows in file order, and whether their times only ever rose, or only ever fell. */
interface SymbolRows {
  candles: Candle[];
  lines: number[];
  ascending: boolean;
  descending: boolean;
}

/** Lines before the header that are skipped as a banner (CryptoDataDownload writes one). */
const MAX_BANNER_LINES = 3;
type Field = "time" | "open" | "high" | "low" | "close" | "volume";

/**
 * Reads a replay CSV one line at a time (`add`), keeping only the candles, so a file can be streamed
 * through it; `finish` returns them per symbol, oldest first, and `notes` says what it did that the
 * user should know (a banner skipped, columns ignored, rows sorted). Any bad line is reported as
 * `line N, field = value: problem`; duplicated times for a symbol name both lines. Symbols go
 * through resolveSymbol, so `btc-usd` is BTC-USD and an unknown one fails on its first line.
 */
export class ReplayCsvParser {
  readonly notes: string[] = [];
  private readonly subject: string;
  private lineNumber = 0;
  private layout: ReplayLayout | undefined;
  /** The first line, and why it is not a header, while the header is looked for. */
  private firstLine: { text: string; problem: string } | undefined;
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
    const line = this.lineNumber === 1 ? raw.replace(/^\uFEFF/, "") : raw;
    if (this.layout) {
      if (line.trim() !== "") this.readRow(line, this.lineNumber, this.layout);
    } else this.lookForHeader(line);
  }

  private lookForHeader(line: string): void {
    const layout = readLayout(line);
    if (typeof layout !== "string") {
      this.useLayout(layout);
      return;
    }
    this.firstLine ??= { text: line, problem: layout };
    if (this.lineNumber > MAX_BANNER_LINES) this.failHeader();
  }

  private failHeader(): never {
    const { text, problem } = this.firstLine ?? { text: "", problem: readLayout("") as string };
    return this.fail(`line 1, header = ${quoteLine(text)}: ${problem} (expected ${EXPECTED_HEADER})`);
  }

  private useLayout(layout: ReplayLayout): void {
    if (layout.symbol < 0 && !this.options.symbol)
      this.fail(`line ${this.lineNumber}, header: no symbol column; name the symbol (--symbol)`);
    this.layout = layout;
    if (this.lineNumber > 1)
      this.notes.push(
        `skipped ${this.lineNumber - 1} ${this.lineNumber === 2 ? "line" : "lines"} before the header (line 1: ${quoteLine(this.firstLine?.text ?? "")})`,
      );
    const ignored = ignoredColumnsNote(layout.ignored);
    if (ignored) this.notes.push(ignored);
  }

  private readRow(raw: string, line: number, layout: ReplayLayout): void {
    const cells = splitCells(raw, layout.separator);
    if (cells.length !== layout.width)
      this.fail(`line ${line}: ${cells.length} fields, the header has ${layout.width} (${quoteLine(raw)})`);
    const cell = (field: Field) => cells[layout[field]] ?? "";
    const time = parseReplayTime(cell("time"));
    if (typeof time === "string") this.fail(`line ${line}, time = ${quoteInput(cell("time"))}: ${time}`);
    const candle: Candle = { time, open: 0, high: 0, low: 0, close: 0, volume: 0 };
    for (const field of ["open", "high", "low", "close", "volume"] as const) {
      // With semicolons or tabs between cells, a decimal comma is common (1234,5).
      const text = layout.separator === "," ? cell(field) : cell(field).replace(/^(-?\d+),(\d+)$/, "$1.$2");
      const value = Number(text);
      if (text === "" || !Number.isFinite(value))
        this.fail(`line ${line}, ${field} = ${quoteInput(cell(field))}: not a number`);
      candle[field] = value;
    }
    const problem = candleProblem(candle);
    if (problem) {
      const field = problem.split(" ")[0] as Field;
      this.fail(`line ${line}, ${field} = ${quoteInput(cell(field))}: ${problem}`);
    }
    const rows = this.rowsOf(
      layout.symbol >= 0 ? (cells[layout.symbol] ?? "") : (this.options.symbol as string),
      line,
    );
    const previous = rows.candles.at(-1);
    if (previous && previous.time >= candle.time) rows.ascending = false;
    if (previous && previous.time <= candle.time) rows.descending = false;
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
    const rows = this.series.get(symbol) ?? { candles: [], lines: [], ascending: true, descending: true };
    this.series.set(symbol, rows);
    return rows;
  }

  /** The candles per symbol, oldest first; throws when a symbol has a time twice or there are none. */
  finish(): Map<string, Candle[]> {
    if (!this.layout) this.failHeader();
    const result = new Map<string, Candle[]>();
    const unordered = [...this.series.values()].filter((rows) => !rows.ascending);
    for (const [symbol, rows] of this.series) {
      // Files are usually in time order already; only the others pay for a sort.
      result.set(symbol, rows.ascending ? rows.candles : this.sorted(symbol, rows));
    }
    if (result.size === 0) this.fail("no candles after the header");
    if (unordered.length > 0)
      this.notes.push(
        unordered.every((rows) => rows.descending)
          ? "the rows are newest first; sorted oldest first"
          : "the rows are not in time order; sorted oldest first",
      );
    return result;
  }

  private sorted(symbol: string, { candles, lines, descending }: SymbolRows): Candle[] {
    if (descending) return candles.reverse();
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
