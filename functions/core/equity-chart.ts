import type { PositionSide } from "./backtest/trades";

/**
 * The backtest's equity chart: the strategy against buy-and-hold over the same closes, each trade's
 * entry and exit marked on the strategy's line. Pure SVG; the caller renders it (with a font: it has
 * text, unlike the alert chart).
 */
export interface EquityChartInput {
  title: string;
  /** Oldest first; equity starts near 1. */
  points: ReadonlyArray<{ time: number; strategy: number; buyHold: number }>;
  /** `openAtEnd`: still open at the last close, so its "exit" is a mark, drawn hollow. */
  trades: ReadonlyArray<{
    side: PositionSide;
    entryTime: number;
    exitTime: number;
    return: number;
    openAtEnd?: boolean;
  }>;
}

export const EQUITY_CHART_SIZE = { width: 1200, height: 600 } as const;
export const EQUITY_CHART_FONT = "DejaVu Sans, Arial, Helvetica, sans-serif";

const COLORS = {
  strategy: "#2563eb",
  buyHold: "#9ca3af",
  entry: "#16a34a",
  exit: "#dc2626",
  axis: "#374151",
  grid: "#e5e7eb",
  text: "#111827",
  muted: "#6b7280",
};
const PLOT = { left: 78, right: 28, top: 92, bottom: 52 };
/** Above this ratio of highest to lowest equity, a log axis keeps both ends readable. */
const LOG_RATIO = 4;

const round = (n: number) => Math.round(n * 10) / 10;
const escapeXml = (text: string) =>
  text.replace(
    /[<>&"']/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c] ?? c,
  );
const percent = (equity: number) => {
  const r = (equity - 1) * 100;
  const digits = Math.abs(r) < 10 && r !== Math.round(r) ? 1 : 0;
  const text = Math.abs(r).toFixed(digits);
  return Number(text) === 0 ? "0%" : `${r > 0 ? "+" : "−"}${text}%`;
};

/** Round steps of 1, 2 or 5 × 10^k covering [low, high] with about `count` ticks. */
function linearTicks(low: number, high: number, count: number): number[] {
  const raw = (high - low) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude;
  const ticks: number[] = [];
  for (let t = Math.ceil(low / step) * step; t <= high + step * 1e-9; t += step)
    ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** Equity values 1, 2, 5 × 10^k within [low, high]; fewer multiples when the range is wide. */
function logTicks(low: number, high: number): number[] {
  const decades = Math.log10(high / low);
  const multiples = decades > 5 ? [1] : decades > 3 ? [1, 3] : [1, 2, 5];
  const ticks: number[] = [];
  for (let k = Math.floor(Math.log10(low)); k <= Math.ceil(Math.log10(high)); k++)
    for (const m of multiples) {
      const t = m * 10 ** k;
      if (t >= low && t <= high) ticks.push(Number(t.toPrecision(12)));
    }
  return ticks;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Calendar-aligned time ticks (UTC), about `count` of them, each with a label that fits the span. */
export function timeTicks(from: number, to: number, count: number): Array<{ time: number; label: string }> {
  const span = Math.max(1, to - from);
  const date = (t: number) => new Date(t);
  const monthLabel = (t: number) => `${MONTHS[date(t).getUTCMonth()]} ${date(t).getUTCFullYear()}`;
  const dayLabel = (t: number) => `${date(t).getUTCDate()} ${MONTHS[date(t).getUTCMonth()]}`;
  const hourLabel = (t: number) => `${dayLabel(t)} ${String(date(t).getUTCHours()).padStart(2, "0")}:00`;
  const fixed = [HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY];
  const step = fixed.find((s) => span / s <= count);
  const ticks: Array<{ time: number; label: string }> = [];
  if (step !== undefined) {
    const label = step < DAY ? hourLabel : dayLabel;
    for (let t = Math.ceil(from / step) * step; t <= to; t += step) ticks.push({ time: t, label: label(t) });
    return ticks;
  }
  // Months and years are not fixed lengths: walk the calendar.
  const months = [1, 2, 3, 6, 12, 24, 60, 120].find((m) => span / (m * 30.44 * DAY) <= count) ?? 240;
  const label = months >= 12 ? (t: number) => String(date(t).getUTCFullYear()) : monthLabel;
  // Counted in months since year 0, so that steps land on round months (Jan, Apr, Jul...) and years.
  let index = date(from).getUTCFullYear() * 12 + date(from).getUTCMonth();
  if (Date.UTC(Math.floor(index / 12), index % 12, 1) < from) index += 1;
  for (index = Math.ceil(index / months) * months; ; index += months) {
    const t = Date.UTC(Math.floor(index / 12), index % 12, 1);
    if (t > to) break;
    ticks.push({ time: t, label: label(t) });
  }
  return ticks;
}

/** Index of the last point at or before `time` (points sorted by time). */
function pointAt(points: EquityChartInput["points"], time: number): number {
  let lo = 0;
  let hi = points.length - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if ((points[mid]?.time ?? 0) <= time) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export function equityChartSvg(input: EquityChartInput): string {
  const { width, height } = EQUITY_CHART_SIZE;
  const { points, trades } = input;
  const first = points[0]?.time ?? 0;
  const last = points.at(-1)?.time ?? first + 1;
  const values = points.flatMap((p) => [p.strategy, p.buyHold]).filter((v) => v > 0);
  const low = Math.min(1, ...values);
  const high = Math.max(1, ...values);
  const log = high / low > LOG_RATIO;
  const scale = (v: number) => (log ? Math.log(v) : v);
  const pad = (scale(high) - scale(low)) * 0.06 || 0.05;
  const bottom = scale(low) - pad;
  const top = scale(high) + pad;
  const plotW = width - PLOT.left - PLOT.right;
  const plotH = height - PLOT.top - PLOT.bottom;
  const x = (t: number) => round(PLOT.left + ((t - first) / (last - first || 1)) * plotW);
  const y = (v: number) =>
    round(PLOT.top + (1 - (scale(Math.max(v, 1e-9)) - bottom) / (top - bottom)) * plotH);
  const path = (key: "strategy" | "buyHold") =>
    points.map((p, i) => `${i === 0 ? "M" : "L"}${x(p.time)} ${y(p[key])}`).join("");

  // On a log axis, multiples read better than returns of +2900%.
  const tickLabel = (v: number) => (log ? `×${Number(v.toPrecision(3))}` : percent(v));
  const yTicks = log ? logTicks(Math.exp(bottom), Math.exp(top)) : linearTicks(bottom, top, 8);
  const xTicks = timeTicks(first, last, 8).filter((t) => t.time >= first && t.time <= last);
  const plotRight = PLOT.left + plotW;
  const plotBottom = PLOT.top + plotH;

  // Markers shrink as trades crowd the line, so that each one stays visible.
  const size = Math.max(3, Math.min(7, plotW / Math.max(1, trades.length) / 2));
  const triangle = (cx: number, cy: number, up: boolean) => {
    const d = up ? 1 : -1;
    return `${round(cx)},${round(cy - d * size)} ${round(cx - size)},${round(cy + d * size * 0.8)} ${round(cx + size)},${round(cy + d * size * 0.8)}`;
  };
  const markers = trades.flatMap((trade) => {
    const entry = points[pointAt(points, trade.entryTime)];
    const exit = points[pointAt(points, trade.exitTime)];
    if (!entry || !exit) return [];
    const long = trade.side === "long";
    return [
      `<polygon class="entry" points="${triangle(x(trade.entryTime), y(entry.strategy), long)}" fill="${COLORS.entry}" stroke="#ffffff" stroke-width="0.8"/>`,
      trade.openAtEnd
        ? `<circle class="exit" cx="${x(trade.exitTime)}" cy="${y(exit.strategy)}" r="${round(size * 0.75)}" fill="#ffffff" stroke="${COLORS.exit}" stroke-width="2"/>`
        : `<circle class="exit" cx="${x(trade.exitTime)}" cy="${y(exit.strategy)}" r="${round(size * 0.75)}" fill="${COLORS.exit}" stroke="#ffffff" stroke-width="0.8"/>`,
    ];
  });

  const final = points.at(-1);
  const legend: Array<[string, string]> = [
    [
      `<line x1="0" y1="0" x2="26" y2="0" stroke="${COLORS.strategy}" stroke-width="3"/>`,
      `Strategy ${final ? percent(final.strategy) : ""}`,
    ],
    [
      `<line x1="0" y1="0" x2="26" y2="0" stroke="${COLORS.buyHold}" stroke-width="3"/>`,
      `Buy and hold ${final ? percent(final.buyHold) : ""}`,
    ],
    [`<polygon points="13,-6 6,5 20,5" fill="${COLORS.entry}"/>`, "entry"],
    [`<circle cx="13" cy="0" r="5" fill="${COLORS.exit}"/>`, "exit"],
  ];
  // Legend items laid left to right from the plot's left edge, widths from the label length.
  let legendX = PLOT.left;
  const legendItems = legend.map(([mark, label]) => {
    const item = `<g transform="translate(${legendX},64)">${mark}<text x="34" y="5" font-size="14" fill="${COLORS.text}">${escapeXml(label)}</text></g>`;
    legendX += 34 + label.length * 8.2 + 28;
    return item;
  });

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${EQUITY_CHART_FONT}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text class="title" x="${PLOT.left}" y="34" font-size="20" font-weight="bold" fill="${COLORS.text}">${escapeXml(input.title)}</text>`,
    `<text x="${plotRight}" y="34" font-size="13" text-anchor="end" fill="${COLORS.muted}">${trades.length} ${trades.length === 1 ? "trade" : "trades"}${log ? ", log scale" : ""}</text>`,
    ...legendItems,
    ...yTicks.map((v) => {
      const gy = y(v);
      const baseline = Math.abs(v - 1) < 1e-9;
      return `<line x1="${PLOT.left}" y1="${gy}" x2="${plotRight}" y2="${gy}" stroke="${baseline ? "#9ca3af" : COLORS.grid}" stroke-width="1"${baseline ? ' stroke-dasharray="4 4"' : ""}/><text x="${PLOT.left - 8}" y="${round(gy + 4.5)}" font-size="13" text-anchor="end" fill="${COLORS.muted}">${tickLabel(v)}</text>`;
    }),
    ...xTicks.map(
      (t) =>
        `<line x1="${x(t.time)}" y1="${plotBottom}" x2="${x(t.time)}" y2="${plotBottom + 5}" stroke="${COLORS.axis}"/><text x="${x(t.time)}" y="${plotBottom + 22}" font-size="13" text-anchor="middle" fill="${COLORS.muted}">${escapeXml(t.label)}</text>`,
    ),
    `<line x1="${PLOT.left}" y1="${plotBottom}" x2="${plotRight}" y2="${plotBottom}" stroke="${COLORS.axis}"/>`,
    `<line x1="${PLOT.left}" y1="${PLOT.top}" x2="${PLOT.left}" y2="${plotBottom}" stroke="${COLORS.axis}"/>`,
    `<text x="22" y="${round(PLOT.top + plotH / 2)}" font-size="13" text-anchor="middle" fill="${COLORS.muted}" transform="rotate(-90 22 ${round(PLOT.top + plotH / 2)})">${log ? "equity, × start (log)" : "return"}</text>`,
    `<path class="buy-hold" d="${path("buyHold")}" fill="none" stroke="${COLORS.buyHold}" stroke-width="2" stroke-linejoin="round"/>`,
    `<path class="strategy" d="${path("strategy")}" fill="none" stroke="${COLORS.strategy}" stroke-width="2" stroke-linejoin="round"/>`,
    ...markers,
    "</svg>",
  ].join("\n");
}
