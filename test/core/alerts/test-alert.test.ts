import { describe, expect, it } from "vitest";
import { ALERT_CHART_CANDLES } from "../../../functions/core/analyse";
import { parseConfig } from "../../../functions/core/config";
import { sampleAlert } from "../../../functions/core/test-alert";
import { sampleSeries } from "../../../local/sample-series";

const NOW = Date.parse("2024-03-05T14:00:09Z");

describe("the test alert's sample", () => {
  it("keeps the candles and lines of its chart as the analyst stores them on an alert", () => {
    const config = parseConfig({});
    const candles = sampleSeries("BTC-USD", "1h", config.lookbackCandles + 200, NOW);
    const signal = sampleAlert("BTC-USD", candles, config, NOW);
    expect(signal?.action).toMatch(/^(BUY|SELL)$/);
    const chart = signal?.chartCandles ?? [];
    expect(chart).toHaveLength(ALERT_CHART_CANDLES);
    // Ending at the alert's own candle, OHLCV from the series.
    const last = candles.find((c) => new Date(c.time).toISOString() === signal?.candleTime);
    expect(chart.at(-1)).toEqual([last?.time, last?.open, last?.high, last?.low, last?.close, last?.volume]);
    expect(signal?.chartOverlays?.bollinger?.upper).toHaveLength(ALERT_CHART_CANDLES);
    expect(signal?.recentCloses).toBeUndefined();
  });
});
