import { alertChartFields } from "./analyse";
import type { Candle } from "./candles";
import type { Config } from "./config";
import { evaluateGate } from "./gate";
import { computeFeatures } from "./indicators";
import { alertMessage } from "./message";
import { rulesVerdict } from "./rules-analyst";
import { isoTime, type Signal } from "./signal";

/** The first line of a test alert, so nobody takes it for a real one. */
export const TEST_ALERT_NOTE = "Test alert: a sample signal from synthetic prices, not a trade idea.";

/**
 * A realistic alert to show what one looks like: the newest close of `candles` where the gate fires
 * and the rules analyst says BUY or SELL, with its features, triggers and chart candles, exactly as
 * the analyst would store it. Undefined when no close of the series qualifies.
 */
export function sampleAlert(
  symbol: string,
  candles: readonly Candle[],
  config: Pick<Config, "timeframe" | "lookbackCandles" | "analyst">,
  now: number,
): Signal | undefined {
  const { gate } = config.analyst;
  for (let end = candles.length; end >= config.lookbackCandles; end -= 1) {
    const window = candles.slice(end - config.lookbackCandles, end);
    const features = computeFeatures(window, gate);
    const triggers = evaluateGate(features, gate);
    if (triggers.length === 0) continue;
    const verdict = rulesVerdict(features.now, triggers, gate, config.timeframe);
    if (verdict.action !== "BUY" && verdict.action !== "SELL") continue;
    const last = window.at(-1) as Candle;
    const triggerIds = triggers.map((trigger) => trigger.id);
    return {
      symbol,
      timeframe: config.timeframe,
      candleTime: isoTime(last.time),
      price: last.close,
      ...verdict,
      analyst: "rules",
      indicators: features.now,
      triggers: triggerIds,
      provider: "sample",
      ...alertChartFields(window, gate, triggerIds),
      alert: true,
      createdAt: isoTime(now),
    };
  }
  return undefined;
}

/** The alert's own text under the test note, within `limit` (a photo caption's, with a chart). */
export function testAlertText(
  signal: Signal,
  options: { timezone: string; now: number; limit: number },
): string {
  const note = `${TEST_ALERT_NOTE}\n\n`;
  return note + alertMessage(signal, { ...options, limit: options.limit - note.length });
}
