import { formatSignalTime } from "./calendar";
import type { Signal } from "./signal";

/** Telegram's limits: a message's text, and a photo's caption. */
export const TELEGRAM_TEXT_LIMIT = 4096;
export const TELEGRAM_CAPTION_LIMIT = 1024;

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };
const HTML_UNESCAPES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"' };

/** Escapes text for Telegram's HTML parse mode (the four characters it requires). */
export const escapeHtml = (text: string): string => text.replace(/[&<>"]/g, (c) => HTML_ESCAPES[c] ?? c);

/** The same message without markup: what is sent when Telegram cannot parse the HTML. */
export const htmlToPlain = (html: string): string =>
  html
    .replace(/<[^>]*>/g, "")
    .replace(/&(amp|lt|gt|quot);/g, (_, name: string) => HTML_UNESCAPES[name] ?? "");

/** Cuts `text` to `max` characters with an ellipsis; applied before escaping, so no entity is split. */
export const truncate = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;

/** Prices keep cents above 1000, four decimals above 1, six significant digits below. */
export function formatPrice(price: number): string {
  if (price >= 1000)
    return new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(
      price,
    );
  if (price >= 1) return new Intl.NumberFormat("en-US", { maximumFractionDigits: 4 }).format(price);
  return new Intl.NumberFormat("en-US", { maximumSignificantDigits: 6 }).format(price);
}

export function formatNumber(value: number): string {
  if (Math.abs(value) >= 1000)
    return new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 }).format(value);
  return new Intl.NumberFormat("en-US", { maximumSignificantDigits: 4 }).format(value);
}

export const formatConfidence = (confidence: number): string => `${Math.round(confidence * 100)}%`;

export const ACTION_MARK: Record<Signal["action"], string> = {
  BUY: "🟢",
  SELL: "🔴",
  HOLD: "⚪",
  ABSTAIN: "⚠️",
};

/** Who made the verdict, as the user reads it. */
export function analystLabel(signal: Pick<Signal, "analyst" | "model" | "promptVersion">): string {
  if (signal.analyst === "llm")
    return `${signal.model ?? "LLM"}${signal.promptVersion ? ` (prompt ${signal.promptVersion})` : ""}`;
  return signal.analyst === "rules" ? "rules analyst" : "indicator gate";
}

/**
 * Indicators people read first, one of each kind (RSI, MACD histogram, %B, volume z-score, ATR %),
 * then whatever else there is. The close is left out: the price line shows it.
 */
const INDICATOR_PREFERENCE = [/^rsi/i, /macd.?hist/i, /percent.?b/i, /vol.*z/i, /atr.?pct/i, /atr/i, /macd/i];

export function mainIndicators(indicators: Signal["indicators"], count: number): [string, number][] {
  const present = Object.entries(indicators).filter(
    (entry): entry is [string, number] => Number.isFinite(entry[1]) && entry[0] !== "close",
  );
  const chosen: [string, number][] = [];
  for (const pattern of INDICATOR_PREFERENCE) {
    const hit = present.find((entry) => pattern.test(entry[0]) && !chosen.includes(entry));
    if (hit) chosen.push(hit);
  }
  for (const entry of present) if (!chosen.includes(entry)) chosen.push(entry);
  return chosen.slice(0, count);
}

export interface AlertMessageOptions {
  timezone: string;
  /** The reader's present (epoch ms): a close in another year shows its year. */
  now: number;
  /** TELEGRAM_TEXT_LIMIT for a message, TELEGRAM_CAPTION_LIMIT for a chart's caption. */
  limit?: number;
}

/** From most to least detail; the first that fits the limit is used. */
const DETAIL_LEVELS = [
  { reasons: 3, indicators: 4, fieldMax: 300 },
  { reasons: 3, indicators: 3, fieldMax: 150 },
  { reasons: 2, indicators: 2, fieldMax: 90 },
  { reasons: 1, indicators: 0, fieldMax: 40 },
] as const;

function renderAlert(
  signal: Signal,
  options: AlertMessageOptions,
  level: (typeof DETAIL_LEVELS)[number],
): string {
  const field = (text: string) => escapeHtml(truncate(text, level.fieldMax));
  const confidence =
    signal.confidence === undefined ? "" : ` · confidence ${formatConfidence(signal.confidence)}`;
  const lines = [
    `${ACTION_MARK[signal.action]} <b>${signal.action} ${field(signal.symbol)}</b>${confidence}`,
    `Price <b>${formatPrice(signal.price)}</b> · ${signal.timeframe} candle · ${formatSignalTime(signal, options.timezone, options.now)}`,
  ];
  const reasons = signal.reasons.slice(0, level.reasons).map((reason) => `• ${field(reason)}`);
  if (reasons.length > 0) lines.push("", ...reasons);
  const indicators = mainIndicators(signal.indicators, level.indicators).map(
    ([name, value]) => `${field(name)} ${formatNumber(value)}`,
  );
  if (indicators.length > 0) lines.push("", `<i>${indicators.join(" · ")}</i>`);
  // The verdict's horizon ("hours", "days", "weeks") is how long the call is meant to hold.
  const horizon = signal.horizon ? ` · meant to hold for ${field(signal.horizon)}` : "";
  lines.push(`Analyst: ${field(analystLabel(signal))}${horizon}`);
  return lines.join("\n");
}

/**
 * The alert as Telegram HTML: symbol, action, confidence, price, the main reasons, a few indicators,
 * the analyst, and the candle's close in the configured zone. Always within `limit` characters: detail
 * is dropped level by level, and every free-text field is capped before it is escaped.
 */
export function alertMessage(signal: Signal, options: AlertMessageOptions): string {
  const limit = options.limit ?? TELEGRAM_TEXT_LIMIT;
  let text = "";
  for (const level of DETAIL_LEVELS) {
    text = renderAlert(signal, options, level);
    if (text.length <= limit) return text;
  }
  return fitPlain(text, limit);
}

/** Last resort: the text without markup, escaped again, short enough that escaping cannot overflow. */
const fitPlain = (html: string, limit: number): string =>
  escapeHtml(truncate(htmlToPlain(html), Math.floor(limit / "&quot;".length)));

/** Fits lines (already HTML) under `limit`, ending with a note of how many were left out. */
export function fitLines(lines: string[], limit = TELEGRAM_TEXT_LIMIT): string {
  const kept: string[] = [];
  let length = 0;
  for (const [index, line] of lines.entries()) {
    const rest = lines.length - index;
    const note = `… ${rest} more`;
    if (length + line.length + 1 + note.length + 1 > limit && rest > 1) {
      kept.push(note);
      return kept.join("\n");
    }
    kept.push(line);
    length += line.length + 1;
  }
  const text = kept.join("\n");
  return text.length <= limit ? text : fitPlain(text, limit);
}
