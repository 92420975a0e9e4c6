import { candleCloseMs, formatLocalTime } from "../../functions/core/calendar";
import { csvText } from "../../functions/core/csv";
import { plural } from "../../functions/core/plural";
import type { SignalReader } from "../../functions/core/ports";
import { isoTime, type Signal } from "../../functions/core/signal";
import type { Timeframe } from "../../functions/core/timeframes";

/** Rows the table shows unless --limit says otherwise; --json and --csv print the whole window. */
export const TABLE_LIMIT = 50;

/** One symbol's stored signals in the asked window (all of them, newest first), and where they came from. */
export interface HistoryWindow {
  symbol: string;
  timeframe: string;
  /** Every signal of the window, newest first: the counts and the alerts are the window's, not the page's. */
  signals: Signal[];
  /** "local store …" or "DynamoDB table …". */
  where: string;
  /** Whether --since narrowed the window (for the empty message). */
  windowed: boolean;
}

/**
 * Reads the whole window (every row since `since`, or all): the table counts it and lists its alerts
 * beyond the shown rows, so a page of 50 can no longer pass for the history.
 */
export async function readHistoryWindow(
  store: SignalReader,
  scope: { symbol: string; timeframe: Timeframe; since?: number; where: string },
): Promise<HistoryWindow> {
  const { symbol, timeframe, since, where } = scope;
  const signals = await store.history(symbol, timeframe, since === undefined ? {} : { since });
  return { symbol, timeframe, where, windowed: since !== undefined, signals };
}

export interface HistoryViewOptions {
  timezone: string;
  /** The reader's present: a close in another year shows its year. */
  now: number;
  /** Rows to show; undefined shows the whole selection. */
  limit?: number;
  /** --alerts: only the window's alerts. */
  alertsOnly?: boolean;
}

/** The signals a view prints: the window's alerts with --alerts, cut to --limit. */
export function selectRows(window: HistoryWindow, options: Pick<HistoryViewOptions, "limit" | "alertsOnly">) {
  const selected = options.alertsOnly ? window.signals.filter((s) => s.alert) : window.signals;
  return { selected, shown: options.limit === undefined ? selected : selected.slice(0, options.limit) };
}

/** The history as an aligned text table, newest first; times are candle closes in `timezone`. */
export function historyTable(signals: readonly Signal[], timezone: string, now: number): string {
  const header = [
    `close (${timezone})`,
    "action",
    "conf",
    "price",
    "analyst",
    "alert",
    "provider",
    "reasons",
  ];
  const rows = signals.map((s) => [
    formatLocalTime(candleCloseMs(s), timezone, now),
    s.action,
    s.confidence === undefined ? "" : s.confidence.toFixed(2),
    s.price.toLocaleString("en-US", { maximumFractionDigits: 8 }),
    s.analyst === "llm" && s.model ? `llm:${s.model}` : s.analyst,
    s.alert ? (s.notifiedAt ? "sent" : "yes") : "",
    s.provider,
    s.reasons.join("; ").slice(0, 70),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) =>
        column === 3 ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
      )
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

/**
 * The terminal's history: the rows, then the window's alerts that are not among them (a page of gate
 * HOLDs must not hide them), then what was shown of how many, so a cut is never silent.
 */
export function historyReport(window: HistoryWindow, options: HistoryViewOptions): string {
  const { timezone, now } = options;
  const noun = options.alertsOnly ? "alert" : "signal";
  const { selected, shown } = selectRows(window, options);
  const alerts = window.signals.filter((s) => s.alert);
  const source = `(${window.timeframe}) from ${window.where}`;
  if (selected.length === 0)
    return `no ${window.timeframe} ${noun}s for ${window.symbol}${window.windowed ? " in that window" : ""} in ${window.where}`;

  const parts = [historyTable(shown, timezone, now)];
  const hiddenAlerts = alerts.filter((alert) => !shown.includes(alert));
  if (hiddenAlerts.length > 0)
    parts.push(
      `Alerts in this window, not among the rows above (${hiddenAlerts.length}):\n${historyTable(hiddenAlerts, timezone, now)}`,
    );
  const counted =
    shown.length < selected.length
      ? `showing ${shown.length} of ${plural(selected.length, noun)} (--limit shows more)`
      : plural(selected.length, noun);
  const alertCount = options.alertsOnly ? "" : `, ${plural(alerts.length, "alert")}`;
  parts.push(
    `${counted}${alertCount} ${source}\nTimes are candle closes in ${timezone}; --json's candleTime is the candle's open.`,
  );
  return parts.join("\n\n");
}

const HISTORY_CSV_COLUMNS = [
  "symbol",
  "timeframe",
  "candleTime",
  "closeTime",
  "action",
  "confidence",
  "price",
  "analyst",
  "model",
  "promptVersion",
  "horizon",
  "alert",
  "notifiedAt",
  "provider",
  "triggers",
  "reasons",
  "error",
  "costUsd",
] as const;

/** The signals as CSV (RFC 4180): the Signal's own fields, times in UTC, candleTime the open as in --json. */
export const historyCsv = (signals: readonly Signal[]): string =>
  csvText(
    HISTORY_CSV_COLUMNS,
    signals.map((s) => [
      s.symbol,
      s.timeframe,
      s.candleTime,
      isoTime(candleCloseMs(s)),
      s.action,
      s.confidence,
      s.price,
      s.analyst,
      s.model,
      s.promptVersion,
      s.horizon,
      s.alert,
      s.notifiedAt,
      s.provider,
      s.triggers.join(" "),
      s.reasons.join("; "),
      s.error,
      s.costUsd,
    ]),
  );
