/** One CSV field (RFC 4180): quoted, with quotes doubled, when it holds a quote, comma or line break. */
export const csvCell = (value: string | number | boolean | undefined): string => {
  const text = value === undefined ? "" : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** A header and its rows as CSV; RFC 4180 ends lines with CRLF, the backtest's files keep LF. */
export const csvText = (
  header: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | number | boolean | undefined>>,
  lineEnd: "\r\n" | "\n" = "\r\n",
): string => `${[header, ...rows].map((row) => row.map(csvCell).join(",")).join(lineEnd)}${lineEnd}`;
