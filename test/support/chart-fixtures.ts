import { alertChartFields } from "../../functions/core/analyse";
import { parseConfig } from "../../functions/core/config";
import type { Signal } from "../../functions/core/signal";
import { sampleSeries } from "../../local/sample-series";
import { sampleSignal } from "./telegram-fixtures";

/** Fixed, so the series and the chart are the same on every run. */
const NOW = Date.parse("2024-03-05T14:00:09Z");
const gate = parseConfig({}).analyst.gate;

/**
 * An alert row as the analyst stores it since it keeps OHLCV: the last candles of the sample series
 * with the gate's bands and averages over them, and two triggers.
 */
export function chartedSignal(overrides: Partial<Signal> = {}): Signal {
  const candles = sampleSeries("BTC-USD", "1h", parseConfig({}).lookbackCandles, NOW);
  const last = candles.at(-1);
  if (!last) throw new Error("empty sample series");
  const triggers = overrides.triggers ?? ["band-break-lower", "rsi-crossed-below-30"];
  return sampleSignal({
    candleTime: new Date(last.time).toISOString(),
    price: last.close,
    triggers,
    recentCloses: undefined,
    ...alertChartFields(candles, gate, triggers),
    ...overrides,
  });
}
