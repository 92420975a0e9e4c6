import { plural } from "../plural";
import { formatRate, formatReturn, MIN_SCORED } from "./rates";
import type { BuyAndHold, StatsGroup, TrackRecord } from "./stats";

/** What was read: shown above the figures so a reader knows what they cover. */
export interface StatsScope {
  symbols: readonly string[];
  timeframe: string;
  /** The window as the user gave it, e.g. "30d". */
  window?: string;
}

/** Up to four symbols by name, more by their number. */
export const scopeLine = (scope: StatsScope) =>
  `${scope.symbols.length > 4 ? `${plural(scope.symbols.length, "symbol")}` : scope.symbols.join(", ")} · ${scope.timeframe}${scope.window ? ` · last ${scope.window}` : ""}`;

export const reasonsText = (reasons: Record<string, number>) =>
  Object.entries(reasons)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(", ");

/** What the buy-and-hold figure is: "BTC-USD", or "equal-weight mean of 2 symbols". */
export const holdBasis = (hold: BuyAndHold) =>
  hold.basis === "single symbol"
    ? (hold.symbols[0]?.symbol ?? "")
    : `equal-weight mean of ${hold.symbols.length} symbols`;

export const HIT_NOTE = `A hit: a BUY whose close h candles later is higher, a SELL whose is lower. Returns are in the signal's direction, before fees. Below ${MIN_SCORED} scored: too few to judge.`;

const HEADER = [
  "analyst",
  "model",
  "prompt",
  "action",
  "count",
  "horizon",
  "hit rate (95% CI)",
  "mean",
  "median",
];
/** Columns whose numbers line up on the right. */
const RIGHT = new Set([4, 7, 8]);

function groupRows(group: StatsGroup): string[][] {
  const who = [
    group.analyst,
    group.model ?? "",
    group.promptVersion ?? "",
    group.action,
    String(group.count),
  ];
  if (group.abstainReasons) return [[...who, "", `reasons: ${reasonsText(group.abstainReasons)}`]];
  if (!group.horizons) return [who];
  return group.horizons.map((h, index) => [
    ...(index === 0 ? who : who.map(() => "")),
    `${h.horizon}`,
    formatRate(h.hits, h.scored),
    formatReturn(h.meanReturn),
    formatReturn(h.medianReturn),
  ]);
}

function aligned(rows: string[][]): string {
  const widths = HEADER.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) =>
          RIGHT.has(column) ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
        )
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** The track record for the terminal: one row per group and horizon, the baseline and the rules under it. */
export function statsTable(record: TrackRecord, scope: StatsScope): string {
  const period = record.period
    ? `${record.period.from.slice(0, 16)} to ${record.period.to.slice(0, 16)} UTC`
    : "no signals";
  const lines = [`Track record · ${scopeLine(scope)} · ${period}`, ""];
  if (record.groups.length === 0) lines.push("No analyst verdicts in this window.");
  else lines.push(aligned([HEADER, ...record.groups.flatMap(groupRows)]));
  lines.push("");
  const hold = record.buyAndHold;
  if (hold) {
    const each = hold.symbols.map((s) => `${s.symbol} ${formatReturn(s.return)}`).join(", ");
    lines.push(
      `Buy and hold over the window: ${formatReturn(hold.return)} (${holdBasis(hold)})${hold.symbols.length > 1 ? `: ${each}` : ""}`,
    );
  }
  lines.push(
    `${plural(record.signals, "signal")} read, ${record.gateHolds} of them HOLDs from the indicator gate (no analyst asked, not scored).`,
    HIT_NOTE,
  );
  return lines.join("\n");
}
