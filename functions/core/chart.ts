import { formatSignalTime } from "./calendar";
import type { Candle } from "./candles";
import { formatTick, priceTicks, timeAxisTicks } from "./chart-axes";
import { storedChartCandles } from "./chart-candles";
import { formatConfidence, formatPrice } from "./message";
import type { ChartOverlays, Signal } from "./signal";
import { timeframeMs } from "./timeframes";

/**
 * The chart attached to an alert: the candles before the signal with the gate's bands and averages,
 * volume, a price axis and a time axis in the configured zone, the signal candle marked and the
 * trigger that fired written beside it. Square and large-type: Telegram shows a photo about 400 pt
 * wide on a phone, so 1 px of type here is about 0.37 pt there.
 */
export const CHART_SIZE = { width: 1080, height: 1080 } as const;
/** The family the renderer is given (functions/adapters/chart-font.ts ships it). */
export const CHART_FONT = "DejaVu Sans";

export type AlertChartSignal = Pick<
  Signal,
  | "symbol"
  | "timeframe"
  | "candleTime"
  | "price"
  | "action"
  | "confidence"
  | "triggers"
  | "chartCandles"
  | "chartOverlays"
  | "recentCloses"
>;

export interface ChartView {
  timezone: string;
  /** The reader's present: the title's time gets a year when it is another year's. */
  now: number;
}

const COLORS = {
  up: "#26a69a",
  down: "#ef5350",
  text: "#131722",
  muted: "#5d606b",
  grid: "#eceef2",
  axis: "#9598a1",
  band: "#2962ff",
  averages: ["#f59e0b", "#8e24aa", "#00897b", "#6d4c41"],
  line: "#2962ff",
} as const;
const ACTION_COLOR: Record<Signal["action"], string> = {
  BUY: "#16a34a",
  SELL: "#dc2626",
  HOLD: "#6b7280",
  ABSTAIN: "#d97706",
};

/** Pixel layout of the 1080 × 1080 canvas. */
const LAYOUT = {
  left: 24,
  /** The price axis is on the right, as on trading charts. */
  right: 150,
  priceTop: 196,
  priceBottom: 836,
  volumeTop: 856,
  volumeBottom: 1000,
  timeLabels: 1044,
  font: { title: 46, badge: 40, sub: 28, legend: 27, axis: 27, trigger: 30 },
} as const;
const MAX_TIME_TICKS = 5;
/** Empty candle slots right of the signal candle, so its marker stands clear of the axis. */
const RIGHT_OFFSET_SLOTS = 3;

const round = (n: number) => Math.round(n * 10) / 10;
const escapeXml = (text: string) =>
  text.replace(
    /[<>&"']/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c] ?? c,
  );
/** Text width estimate for DejaVu Sans (average advance ≈ 0.6 em; bold ≈ 0.66 em). */
const textWidth = (text: string, size: number, bold = false) => text.length * size * (bold ? 0.63 : 0.58);

const TRIGGER_TEXT: Record<string, string> = {
  "macd-bullish-cross": "MACD bullish cross",
  "macd-bearish-cross": "MACD bearish cross",
  "band-break-upper": "Close above the upper band",
  "band-break-lower": "Close below the lower band",
  "sma-golden-cross": "SMA golden cross",
  "sma-death-cross": "SMA death cross",
  "ema-golden-cross": "EMA golden cross",
  "ema-death-cross": "EMA death cross",
  "volume-spike": "Volume spike",
  "large-move-up": "Large move up",
  "large-move-down": "Large move down",
};

/** A gate trigger id in words: "rsi-crossed-below-30" → "RSI crossed below 30". */
export function triggerText(id: string): string {
  const rsi = /^rsi-crossed-(above|below)-(\d+(?:\.\d+)?)$/.exec(id);
  if (rsi) return `RSI crossed ${rsi[1]} ${rsi[2]}`;
  const known = TRIGGER_TEXT[id];
  if (known) return known;
  const words = id.replace(/-/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

interface Line {
  label: string;
  color: string;
  values: ReadonlyArray<number | null>;
  width: number;
}

function overlayLines(overlays: ChartOverlays | undefined, count: number): { lines: Line[]; band?: Line[] } {
  // Aligned on the newest candle, whatever lengths a row holds.
  const align = (values: ReadonlyArray<number | null>) =>
    Array.from({ length: count }, (_, i) => values[values.length - count + i] ?? null);
  const lines = (overlays?.movingAverages ?? []).map((ma, i) => ({
    label: `${ma.kind} ${ma.period}`,
    color: COLORS.averages[i % COLORS.averages.length] as string,
    values: align(ma.values),
    width: 3,
  }));
  const bb = overlays?.bollinger;
  if (!bb) return { lines };
  const bandLine = (label: string, values: ReadonlyArray<number | null>, width: number) => ({
    label,
    color: COLORS.band,
    values: align(values),
    width,
  });
  return {
    lines,
    band: [
      bandLine(`BB ${bb.period}, ${bb.deviations}`, bb.upper, 2),
      bandLine("", bb.middle, 1.5),
      bandLine("", bb.lower, 2),
    ],
  };
}

/** "M x y L x y …" through the non-null values; a gap starts a new subpath. */
function linePath(
  values: ReadonlyArray<number | null>,
  x: (i: number) => number,
  y: (v: number) => number,
): string {
  let path = "";
  let pen = false;
  values.forEach((value, i) => {
    if (value === null) {
      pen = false;
      return;
    }
    path += `${pen ? "L" : "M"}${round(x(i))} ${round(y(value))}`;
    pen = true;
  });
  return path;
}

interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/**
 * Where a label box covers the fewest candles: one of the four corners of `area`. The signal candle
 * is at the right edge, so the label stays near its marker when the right corners are free.
 */
function quietestCorner(
  size: { width: number; height: number },
  area: Box,
  spans: ReadonlyArray<{ x: number; top: number; bottom: number }>,
): { left: number; top: number } {
  const corners = [
    { left: area.right - size.width, top: area.top },
    { left: area.right - size.width, top: area.bottom - size.height },
    { left: area.left, top: area.top },
    { left: area.left, top: area.bottom - size.height },
  ].map((corner) => ({ ...corner, left: Math.max(area.left, corner.left) }));
  const covered = (corner: { left: number; top: number }) =>
    spans.filter(
      (s) =>
        s.x >= corner.left - 8 &&
        s.x <= corner.left + size.width + 8 &&
        s.bottom >= corner.top - 8 &&
        s.top <= corner.top + size.height + 8,
    ).length;
  return corners.reduce((best, corner) => (covered(corner) < covered(best) ? corner : best));
}

/** Room above and below the values drawn, as a share of their range: no line touches the pane's edge. */
const PRICE_PADDING = 0.08;
/** How far the averages may stretch the scale beyond the candles and bands, as a share of their range. */
const AVERAGES_REACH = 0.5;

/**
 * The price pane's scale: the candles, the bands and the signal's price; the averages too when they run
 * near (a far one would flatten the candles, so it is clipped); then padding at both ends.
 */
function priceRange(
  candles: readonly Candle[],
  price: number,
  band: readonly Line[],
  averages: readonly Line[],
): { low: number; high: number } {
  const drawn = (lines: readonly Line[]) =>
    lines.flatMap((line) => line.values).filter((v): v is number => v !== null);
  const bandValues = drawn(band);
  let low = Math.min(...candles.map((c) => c.low), ...bandValues, price);
  let high = Math.max(...candles.map((c) => c.high), ...bandValues, price);
  const reach = (high - low) * AVERAGES_REACH;
  const averageValues = drawn(averages);
  low = Math.max(low - reach, Math.min(low, ...averageValues));
  high = Math.min(high + reach, Math.max(high, ...averageValues));
  const pad = (high - low) * PRICE_PADDING || high * 0.01 || 1;
  return { low: low - pad, high: high + pad };
}

/** SVG of an alert's chart, or undefined when the row holds fewer than two candles or closes. */
export function alertChartSvg(signal: AlertChartSignal, view: ChartView): string | undefined {
  const series = storedChartCandles(signal);
  if (!series) return undefined;
  const { candles, ohlc } = series;
  const { width, height } = CHART_SIZE;
  const L = LAYOUT;
  const color = ACTION_COLOR[signal.action];
  const count = candles.length;
  const { lines, band } = overlayLines(signal.chartOverlays, count);

  // Without volume (a closes-only row) the price pane takes the volume pane's room.
  const hasVolume = ohlc && candles.some((c) => c.volume > 0);
  const priceBottom = hasVolume ? L.priceBottom : L.volumeBottom;
  const plotRight = width - L.right;
  const slot = (plotRight - L.left) / (count + RIGHT_OFFSET_SLOTS);
  const x = (i: number) => L.left + slot * (i + 0.5);

  const { low, high } = priceRange(candles, signal.price, band ?? [], lines);
  const y = (price: number) => L.priceTop + ((high - price) / (high - low)) * (priceBottom - L.priceTop);

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${CHART_FONT}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<defs><clipPath id="price-pane"><rect x="${L.left}" y="${L.priceTop}" width="${round(plotRight - L.left)}" height="${priceBottom - L.priceTop}"/></clipPath></defs>`,
  ];

  // Title: symbol and timeframe; the action and price in the action's colour; then when, and how sure.
  const badge = `${signal.action} ${formatPrice(signal.price)}`;
  const badgeWidth = textWidth(badge, L.font.badge, true) + 36;
  parts.push(
    `<text class="title" x="${L.left}" y="62" font-size="${L.font.title}" font-weight="bold" fill="${COLORS.text}">${escapeXml(`${signal.symbol} · ${signal.timeframe}`)}</text>`,
    `<rect class="action-badge" x="${round(width - L.left - badgeWidth)}" y="14" width="${round(badgeWidth)}" height="64" rx="12" fill="${color}"/>`,
    `<text class="action" x="${width - L.left - 18}" y="61" font-size="${L.font.badge}" font-weight="bold" text-anchor="end" fill="#ffffff">${escapeXml(badge)}</text>`,
  );
  const sub = [
    formatSignalTime(signal, view.timezone, view.now),
    ...(signal.confidence === undefined ? [] : [`confidence ${formatConfidence(signal.confidence)}`]),
  ].join(" · ");
  parts.push(
    `<text class="subtitle" x="${L.left}" y="118" font-size="${L.font.sub}" fill="${COLORS.muted}">${escapeXml(sub)}</text>`,
  );

  // Legend: one swatch per drawn line.
  let legendX = L.left;
  const legendItems = [...(band ? [band[0] as Line] : []), ...lines].filter((line) => line.label);
  for (const line of legendItems) {
    parts.push(
      `<line x1="${legendX}" y1="158" x2="${legendX + 34}" y2="158" stroke="${line.color}" stroke-width="5"/>`,
      `<text class="legend" x="${legendX + 44}" y="167" font-size="${L.font.legend}" fill="${COLORS.text}">${escapeXml(line.label)}</text>`,
    );
    legendX += 44 + textWidth(line.label, L.font.legend) + 34;
  }

  // Price grid and labels on the right; the signal's price gets its own tag, so ticks near it give way.
  const { ticks, step } = priceTicks(low, high, 8);
  const tagY = y(signal.price);
  for (const tick of ticks) {
    const ty = y(tick);
    parts.push(
      `<line x1="${L.left}" y1="${round(ty)}" x2="${plotRight}" y2="${round(ty)}" stroke="${COLORS.grid}" stroke-width="1.5"/>`,
    );
    if (Math.abs(ty - tagY) > 38 && ty > L.priceTop + 12 && ty < priceBottom - 6)
      parts.push(
        `<text class="price-label" x="${plotRight + 12}" y="${round(ty + 9)}" font-size="${L.font.axis}" fill="${COLORS.muted}">${formatTick(tick, step)}</text>`,
      );
  }

  // Time axis: ticks on local round hours and days, across both panes.
  const times = candles.map((c) => c.time);
  const timeTicks = timeAxisTicks(times, timeframeMs(signal.timeframe), view.timezone, MAX_TIME_TICKS);
  for (const tick of timeTicks) {
    const tx = round(x(tick.index));
    parts.push(
      `<line x1="${tx}" y1="${L.priceTop}" x2="${tx}" y2="${L.volumeBottom}" stroke="${COLORS.grid}" stroke-width="1.5"/>`,
      `<text class="time-label" x="${tx}" y="${L.timeLabels}" font-size="${L.font.axis}" text-anchor="middle"${tick.major ? ' font-weight="bold"' : ""} fill="${tick.major ? COLORS.text : COLORS.muted}">${escapeXml(tick.label)}</text>`,
    );
  }

  // The signal candle: a tinted column behind it, across both panes.
  const lastX = x(count - 1);
  parts.push(
    `<rect class="signal-column" x="${round(lastX - slot * 0.9)}" y="${L.priceTop}" width="${round(slot * 1.8)}" height="${L.volumeBottom - L.priceTop}" fill="${color}" fill-opacity="0.13"/>`,
  );

  // Bands: a light fill between upper and lower, then the lines.
  const clipped: string[] = [];
  if (band) {
    const [upper, middle, lower] = band as [Line, Line, Line];
    const pairs = upper.values
      .map((u, i) => ({ i, u, l: lower.values[i] ?? null }))
      .filter((p): p is { i: number; u: number; l: number } => p.u !== null && p.l !== null);
    if (pairs.length >= 2) {
      const top = pairs.map((p) => `${round(x(p.i))} ${round(y(p.u))}`);
      const bottom = pairs.map((p) => `${round(x(p.i))} ${round(y(p.l))}`).reverse();
      clipped.push(
        `<path class="band-fill" d="M${top.join("L")}L${bottom.join("L")}Z" fill="${COLORS.band}" fill-opacity="0.06"/>`,
      );
    }
    for (const [name, line] of [
      ["band-upper", upper],
      ["band-middle", middle],
      ["band-lower", lower],
    ] as const)
      clipped.push(
        `<path class="${name}" d="${linePath(line.values, x, y)}" fill="none" stroke="${line.color}" stroke-width="${line.width}" stroke-opacity="${name === "band-middle" ? 0.45 : 0.75}"${name === "band-middle" ? ' stroke-dasharray="8 6"' : ""}/>`,
      );
  }

  // Candles (or, for a closes-only row, a line).
  if (ohlc) {
    const body = Math.max(2, slot * 0.68);
    candles.forEach((c, i) => {
      const up = c.close >= c.open;
      const fill = up ? COLORS.up : COLORS.down;
      const cx = round(x(i));
      const top = y(Math.max(c.open, c.close));
      const h = Math.max(1.5, Math.abs(y(c.open) - y(c.close)));
      clipped.push(
        `<line class="wick" x1="${cx}" y1="${round(y(c.high))}" x2="${cx}" y2="${round(y(c.low))}" stroke="${fill}" stroke-width="2"/>`,
        `<rect class="candle" x="${round(cx - body / 2)}" y="${round(top)}" width="${round(body)}" height="${round(h)}" fill="${fill}"/>`,
      );
    });
  } else {
    clipped.push(
      `<path class="close-line" d="${linePath(
        candles.map((c) => c.close),
        x,
        y,
      )}" fill="none" stroke="${COLORS.line}" stroke-width="4" stroke-linejoin="round"/>`,
    );
  }
  for (const line of lines)
    clipped.push(
      `<path class="ma" d="${linePath(line.values, x, y)}" fill="none" stroke="${line.color}" stroke-width="${line.width}" stroke-linejoin="round"/>`,
    );
  parts.push(`<g clip-path="url(#price-pane)">${clipped.join("")}</g>`);

  // Volume: bars in the candle's colour, the signal candle's solid.
  if (hasVolume) {
    const maxVolume = Math.max(...candles.map((c) => c.volume)) || 1;
    const body = Math.max(2, slot * 0.68);
    parts.push(
      `<text class="volume-title" x="${L.left + 6}" y="${L.volumeTop + 26}" font-size="${L.font.axis - 4}" fill="${COLORS.muted}">Volume</text>`,
    );
    candles.forEach((c, i) => {
      const h = Math.max(1, (c.volume / maxVolume) * (L.volumeBottom - L.volumeTop));
      parts.push(
        `<rect class="volume" x="${round(x(i) - body / 2)}" y="${round(L.volumeBottom - h)}" width="${round(body)}" height="${round(h)}" fill="${c.close >= c.open ? COLORS.up : COLORS.down}" fill-opacity="${i === count - 1 ? 0.9 : 0.4}"/>`,
      );
    });
  }
  parts.push(
    `<line x1="${L.left}" y1="${L.volumeBottom}" x2="${plotRight}" y2="${L.volumeBottom}" stroke="${COLORS.axis}" stroke-width="1.5"/>`,
    `<line x1="${plotRight}" y1="${L.priceTop}" x2="${plotRight}" y2="${L.volumeBottom}" stroke="${COLORS.axis}" stroke-width="1.5"/>`,
  );

  // The signal's price: a dashed line and a tag on the axis.
  parts.push(
    `<line class="signal-price" x1="${L.left}" y1="${round(tagY)}" x2="${plotRight}" y2="${round(tagY)}" stroke="${color}" stroke-width="2" stroke-dasharray="10 8"/>`,
    `<rect x="${plotRight + 2}" y="${round(tagY - 22)}" width="${L.right - 4}" height="44" rx="6" fill="${color}"/>`,
    `<text class="price-tag" x="${plotRight + 12}" y="${round(tagY + 10)}" font-size="${L.font.axis}" font-weight="bold" fill="#ffffff">${formatTick(signal.price, step / 10)}</text>`,
  );

  // The marker: an arrow under the signal candle (BUY) or over it (SELL), and the triggers in words.
  const last = candles[count - 1] as Candle;
  const sell = signal.action === "SELL";
  const dir = sell ? -1 : 1;
  const anchorY = sell ? y(last.high) - 12 : y(last.low) + 12;
  const arrowTip = anchorY;
  const arrowBase = anchorY + dir * 34;
  parts.push(
    `<polygon class="signal-marker" points="${round(lastX)},${round(arrowTip)} ${round(lastX - 20)},${round(arrowBase)} ${round(lastX + 20)},${round(arrowBase)}" fill="${color}" stroke="#ffffff" stroke-width="2"/>`,
  );
  const labels = (signal.triggers.length > 0 ? signal.triggers : []).slice(0, 3).map(triggerText);
  if (labels.length > 0) {
    const size = L.font.trigger;
    const lineHeight = size + 10;
    const boxWidth = Math.max(...labels.map((t) => textWidth(t, size, true))) + 32;
    const boxHeight = labels.length * lineHeight + 16;
    const { left: boxLeft, top: boxTop } = quietestCorner(
      { width: boxWidth, height: boxHeight },
      { left: L.left + 12, right: lastX - slot * 2, top: L.priceTop + 12, bottom: priceBottom - 12 },
      candles.flatMap((c, i) => {
        const drawn = [c.high, c.low, ...(band ?? []).map((b) => b.values[i] ?? c.close)];
        // Each average is a point of its own: one far above the candles leaves the room between free.
        const averages = lines.flatMap((line) => {
          const value = line.values[i];
          return value === null || value === undefined ? [] : [{ x: x(i), top: y(value), bottom: y(value) }];
        });
        return [{ x: x(i), top: y(Math.max(...drawn)), bottom: y(Math.min(...drawn)) }, ...averages];
      }),
    );
    const boxRight = boxLeft + boxWidth;
    parts.push(
      `<rect class="trigger-box" x="${round(boxLeft)}" y="${round(boxTop)}" width="${round(boxRight - boxLeft)}" height="${round(boxHeight)}" rx="10" fill="#ffffff" fill-opacity="0.92" stroke="${color}" stroke-width="3"/>`,
      ...labels.map(
        (text, i) =>
          `<text class="trigger" x="${round(boxRight - 16)}" y="${round(boxTop + 8 + (i + 1) * lineHeight - 12)}" font-size="${size}" font-weight="bold" text-anchor="end" fill="${color}">${escapeXml(text)}</text>`,
      ),
    );
  }

  parts.push("</svg>");
  return parts.join("\n");
}
