import { alertChartFields } from "../../functions/core/analyse";
import { parseConfig } from "../../functions/core/config";
import type { SignalWriter } from "../../functions/core/ports";
import { isoTime, type Signal } from "../../functions/core/signal";
import { lastClosedOpenTime, timeframeMs } from "../../functions/core/timeframes";
import { sampleSeries } from "../../local/sample-series";
import { sampleSignal } from "./telegram-fixtures";

const gate = parseConfig({}).analyst.gate;

/** The reasons of each seeded verdict, distinct so a test can tell which one a tap opened. */
const VERDICTS: Array<Pick<Signal, "action" | "confidence" | "reasons" | "triggers">> = [
  {
    action: "BUY",
    confidence: 0.81,
    reasons: ["RSI(14) left oversold at 29", "MACD crossed up far from zero"],
    triggers: ["rsi-oversold-exit", "macd-cross-up"],
  },
  {
    action: "SELL",
    confidence: 0.76,
    reasons: ["Close broke above the upper Bollinger band on falling volume", "RSI(14) at 74"],
    triggers: ["band-break-up"],
  },
  {
    action: "BUY",
    confidence: 0.88,
    reasons: ["Volume spike 4.3σ on a bullish engulfing candle", "50/200 averages about to cross up"],
    triggers: ["volume-spike"],
  },
];

/**
 * Stores `count` hourly signals per symbol ending at the last closed candle, as the analyst writes
 * them: each close's price from the local runtime's sample series, gate HOLDs except three LLM
 * verdicts (BUY, SELL, BUY) spread over the last 60 candles, stored as alerts with their chart's
 * candles (OHLCV) and lines.
 */
export async function seedDashboardSignals(
  store: SignalWriter,
  options: { symbols: string[]; count: number; now: number },
): Promise<Signal[]> {
  const stored: Signal[] = [];
  const last = lastClosedOpenTime("1h", options.now);
  for (const symbol of options.symbols) {
    const candles = sampleSeries(symbol, "1h", options.count, options.now);
    const verdictAt = new Map(VERDICTS.map((verdict, index) => [candles.length - 50 + index * 18, verdict]));
    for (const [index, candle] of candles.entries()) {
      const verdict = verdictAt.get(index);
      const candleTime = isoTime(last - (candles.length - 1 - index) * timeframeMs("1h"));
      const signal = sampleSignal({
        symbol,
        candleTime,
        price: candle.close,
        createdAt: isoTime(Date.parse(candleTime) + timeframeMs("1h") + 5000),
        recentCloses: undefined,
        ...(verdict
          ? {
              ...verdict,
              ...alertChartFields(candles.slice(0, index + 1), gate, verdict.triggers),
              alert: true,
              notifiedAt: isoTime(Date.parse(candleTime) + timeframeMs("1h") + 9000),
            }
          : {
              action: "HOLD",
              confidence: undefined,
              reasons: ["no trigger"],
              triggers: [],
              analyst: "gate",
              model: undefined,
              promptVersion: undefined,
              tokens: undefined,
              costUsd: undefined,
              alert: false,
            }),
      });
      await store.putSignal(signal);
      stored.push(signal);
    }
  }
  return stored;
}
