import { describe, expect, it } from "vitest";
import { buildBacktest } from "../../../functions/core/backtest/report";
import { walkForward } from "../../../functions/core/backtest/walk";
import type { Candle } from "../../../functions/core/candles";
import { parseConfig } from "../../../functions/core/config";
import { seededRandom } from "../../../functions/core/seeded-random";
import { BacktestStore } from "../../../local/backtest-store";
import { sampleSeries } from "../../../local/sample-series";

const config = parseConfig({ timeframe: "1h", watchlist: ["BTC-USD"] });
const NOW = Date.parse("2025-06-01T00:00:00Z");
const candles = sampleSeries("BTC-USD", "1h", 900, NOW);

const walk = (series: readonly Candle[]) => {
  const store = new BacktestStore();
  return walkForward(
    { symbol: "BTC-USD", timeframe: "1h", candles: series, config },
    { signals: store, claims: store, verdicts: store, spend: store, mutes: store },
  );
};

/** Every candle after `t` replaced by a different, still valid, candle. */
function rewriteAfter(series: readonly Candle[], t: number): Candle[] {
  const random = seededRandom(7);
  return series.map((c, i) => {
    if (i <= t) return c;
    const factor = 0.7 + random() * 0.6;
    return {
      ...c,
      open: c.open * factor,
      high: c.high * factor * 1.01,
      low: c.low * factor * 0.99,
      close: c.close * factor,
      volume: c.volume * (0.5 + random()),
    };
  });
}

describe("walkForward", () => {
  it("has no look-ahead: changing every candle after t changes no decision at or before t", async () => {
    const original = await walk(candles);
    const t = 700;
    const rewritten = await walk(rewriteAfter(candles, t));
    const upTo = (steps: typeof original) => steps.filter((s) => s.index <= t).map((s) => s.signal);
    // The check can only fail if there were decisions to change: alerts among them.
    expect(upTo(original).filter((s) => s.alert).length).toBeGreaterThan(0);
    expect(upTo(rewritten)).toEqual(upTo(original));
    // And the future did change what came after.
    const pricesAfterT = (steps: typeof original) =>
      steps.filter((s) => s.index > t).map((s) => s.signal.price);
    expect(pricesAfterT(rewritten)).not.toEqual(pricesAfterT(original));
  });

  it("analyses every close from the first full window to the last, once", async () => {
    const steps = await walk(candles);
    expect(steps[0]?.index).toBe(config.lookbackCandles - 1);
    expect(steps.at(-1)?.index).toBe(candles.length - 1);
    expect(steps).toHaveLength(candles.length - config.lookbackCandles + 1);
    expect(steps.every((s) => s.signal.price === candles[s.index]?.close)).toBe(true);
  });

  it("scores the alerts' hit rates and buy-and-hold exactly as computed from the data", async () => {
    const steps = await walk(candles);
    const { report } = buildBacktest({
      symbol: "BTC-USD",
      timeframe: "1h",
      candles,
      steps,
      config,
      options: { feeBps: 10, short: false, seed: 1, draws: 50 },
    });
    const alerts = steps.filter((s) => s.signal.alert);
    expect(report.run.alerts).toBe(alerts.length);
    for (const horizon of config.outcomes.horizons) {
      const scored = alerts.filter((s) => s.index + horizon < candles.length);
      const hits = scored.filter((s) => {
        const change = (candles[s.index + horizon] as Candle).close - (candles[s.index] as Candle).close;
        return s.signal.action === "BUY" ? change > 0 : change < 0;
      }).length;
      const score = report.run.hitRates.find((h) => h.horizon === horizon);
      expect(score).toMatchObject({ horizon, scored: scored.length, hits });
    }
    const first = candles[config.lookbackCandles - 1] as Candle;
    const last = candles.at(-1) as Candle;
    expect(report.baselines.buyAndHold.totalReturn).toBeCloseTo(
      (last.close / first.close) * 0.999 ** 2 - 1,
      12,
    );
    expect(report.closes).toBe(steps.length);
    expect(report.gatePasses).toBe(steps.filter((s) => s.signal.triggers.length > 0).length);
  });

  it("draws the same random baseline for the same seed and another for another seed", async () => {
    const steps = await walk(candles);
    const build = (seed: number) =>
      buildBacktest({
        symbol: "BTC-USD",
        timeframe: "1h",
        candles,
        steps,
        config,
        options: { feeBps: 10, short: false, seed, draws: 40 },
      }).report.baselines.random;
    expect(build(3)).toEqual(build(3));
    expect(build(3).totalReturn).not.toEqual(build(4).totalReturn);
    expect(build(3).callsPerDraw).toBe(steps.filter((s) => s.signal.alert).length);
  });
});
