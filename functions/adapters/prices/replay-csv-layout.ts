import { quoteInput } from "../../core/symbols";

/**
 * How a replay CSV's header reads: which cell holds what, and the separator. Real exports name the
 * time column `time`, `date`, `timestamp` or `unix`, add columns of their own (a second volume, a
 * trade count), and may use semicolons; all of that is accepted here.
 */
export interface ReplayLayout {
  separator: string;
  /** Cells per row. */
  width: number;
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  /** -1 when the file has no symbol column. */
  symbol: number;
  /** Header names of the columns the replay does not use. */
  ignored: string[];
}

/** Names of the time column, the preferred first when a file has several (CryptoDataDownload: unix and date). */
export const TIME_COLUMNS = ["time", "unix", "timestamp", "date"] as const;
const PRICE_COLUMNS = ["open", "high", "low", "close"] as const;
const SEPARATORS = [",", ";", "\t"] as const;

/** What a header must hold, as the error states it. */
export const EXPECTED_HEADER = `time (or ${TIME_COLUMNS.slice(1).join(", ")}), open, high, low, close, volume[, symbol]`;

/** Most of a line an error quotes: enough to recognise it, never a megabyte of JSON. */
const QUOTED_LINE_CHARS = 200;
export const quoteLine = (line: string): string =>
  JSON.stringify(line.length > QUOTED_LINE_CHARS ? `${line.slice(0, QUOTED_LINE_CHARS)}…` : line);

/** The separator a line uses: the most frequent of comma, semicolon and tab (a comma on a tie). */
function separatorOf(line: string): string {
  let best: string = ",";
  let bestCount = 0;
  for (const separator of SEPARATORS) {
    const count = line.split(separator).length - 1;
    if (count > bestCount) [best, bestCount] = [separator, count];
  }
  return best;
}

export const splitCells = (line: string, separator: string): string[] =>
  line.split(separator).map((cell) => cell.trim().replace(/^"(.*)"$/, "$1"));

/** A header's layout, or why the line is not a header. */
export function readLayout(line: string): ReplayLayout | string {
  const separator = separatorOf(line);
  const names = splitCells(line, separator).map((name) => name.toLowerCase());
  const time = TIME_COLUMNS.map((name) => names.indexOf(name)).find((index) => index >= 0) ?? -1;
  // A second volume column (volume_btc beside volume) is ignored; a lone `Volume BTC` is the volume.
  const exactVolume = names.indexOf("volume");
  const volume = exactVolume >= 0 ? exactVolume : names.findIndex((name) => name.startsWith("volume"));
  const missing = [
    ...(time < 0 ? ["time"] : []),
    ...PRICE_COLUMNS.filter((name) => !names.includes(name)),
    ...(volume < 0 ? ["volume"] : []),
  ];
  if (missing.length > 0) {
    const json = /^\s*[[{]/.test(line) ? "; this looks like JSON, and a replay is a CSV" : "";
    return `missing ${missing.join(", ")}${json}`;
  }
  const [open, high, low, close] = PRICE_COLUMNS.map((name) => names.indexOf(name)) as [
    number,
    number,
    number,
    number,
  ];
  const symbol = names.indexOf("symbol");
  const used = new Set([time, open, high, low, close, volume, symbol]);
  const ignored = names.filter((_, index) => !used.has(index));
  return { separator, width: names.length, time, open, high, low, close, volume, symbol, ignored };
}

/** Up to this many ignored column names are listed in the note. */
const LISTED_COLUMNS = 8;

/** The one note about the columns a replay does not use. */
export function ignoredColumnsNote(ignored: readonly string[]): string | undefined {
  if (ignored.length === 0) return undefined;
  const listed = ignored.slice(0, LISTED_COLUMNS).map((name) => quoteInput(name));
  const more = ignored.length > LISTED_COLUMNS ? ` and ${ignored.length - LISTED_COLUMNS} more` : "";
  return `ignored ${ignored.length === 1 ? "column" : "columns"} ${listed.join(", ")}${more}`;
}
