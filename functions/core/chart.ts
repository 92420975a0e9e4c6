import type { Signal } from "./signal";

/**
 * A price chart of the closes leading to a signal, with the signal marked at the last close. It holds
 * no text on purpose: the wasm renderer in the Lambda has no fonts, and the caption carries the words.
 */
export const CHART_SIZE = { width: 800, height: 400 } as const;

const PADDING = 28;
const MARK_COLOR: Record<Signal["action"], string> = {
  BUY: "#16a34a",
  SELL: "#dc2626",
  HOLD: "#6b7280",
  ABSTAIN: "#d97706",
};

const round = (n: number) => Math.round(n * 10) / 10;

/** SVG of `signal.recentCloses` (oldest first), or undefined when there are fewer than two closes. */
export function alertChartSvg(signal: Pick<Signal, "action" | "price" | "recentCloses">): string | undefined {
  const closes = signal.recentCloses ?? [];
  if (closes.length < 2) return undefined;
  const { width, height } = CHART_SIZE;
  const low = Math.min(...closes, signal.price);
  const high = Math.max(...closes, signal.price);
  const span = high - low || high * 0.01 || 1;
  const bottom = low - span * 0.08;
  const top = high + span * 0.08;
  const x = (index: number) => round(PADDING + (index * (width - 2 * PADDING)) / (closes.length - 1));
  const y = (price: number) =>
    round(height - PADDING - ((price - bottom) / (top - bottom)) * (height - 2 * PADDING));

  const points = closes.map((close, index) => `${x(index)},${y(close)}`).join(" ");
  const lastX = x(closes.length - 1);
  const lastY = y(closes.at(-1) ?? signal.price);
  const baseY = height - PADDING;
  const color = MARK_COLOR[signal.action];
  const grid = [0.25, 0.5, 0.75].map((f) => round(PADDING + f * (height - 2 * PADDING)));
  // BUY: an arrow under the point, pointing up; SELL: above it, pointing down.
  const dir = signal.action === "SELL" ? -1 : 1;
  const tipY = lastY + dir * 16;
  const arrow =
    signal.action === "BUY" || signal.action === "SELL"
      ? `<polygon points="${lastX},${round(tipY)} ${round(lastX - 11)},${round(tipY + dir * 20)} ${round(lastX + 11)},${round(tipY + dir * 20)}" fill="${color}"/>`
      : "";

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    ...grid.map(
      (gy) =>
        `<line x1="${PADDING}" y1="${gy}" x2="${width - PADDING}" y2="${gy}" stroke="#e5e7eb" stroke-width="1"/>`,
    ),
    `<polygon points="${x(0)},${baseY} ${points} ${lastX},${baseY}" fill="${color}" fill-opacity="0.08"/>`,
    `<line x1="${PADDING}" y1="${y(signal.price)}" x2="${width - PADDING}" y2="${y(signal.price)}" stroke="${color}" stroke-width="1.5" stroke-dasharray="6 6"/>`,
    `<polyline points="${points}" fill="none" stroke="#1f2937" stroke-width="3" stroke-linejoin="round" stroke-linecap="round"/>`,
    `<circle cx="${lastX}" cy="${lastY}" r="9" fill="${color}" stroke="#ffffff" stroke-width="3"/>`,
    arrow,
    "</svg>",
  ]
    .filter(Boolean)
    .join("\n");
}
