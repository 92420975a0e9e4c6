import { describe, expect, it } from "vitest";
import {
  equityFigures,
  maxDrawdown,
  periodsPerYear,
  sharpeRatio,
} from "../../../functions/core/backtest/metrics";
import { buyAndHoldEquity, simulateTrades } from "../../../functions/core/backtest/trades";
import type { Candle } from "../../../functions/core/candles";

const DAY = 86_400_000;
/** Candles whose opens and closes differ, so a fill at the wrong one shows. */
const series = (closes: number[]): Candle[] =>
  closes.map((close, i) => ({
    time: i * DAY,
    open: close * 0.99,
    high: close * 1.02,
    low: close * 0.97,
    close,
    volume: 1,
  }));

const candles = series([100, 102, 104, 103, 110, 108, 115, 120]);
const open = (i: number) => (candles[i] as Candle).open;
const close = (i: number) => (candles[i] as Candle).close;

describe("simulateTrades", () => {
  it("fills an alert at the next candle's open, never at its own close, and charges the fee per side", () => {
    const fee = 0.001;
    const sim = simulateTrades(
      candles,
      [
        { index: 1, action: "BUY" },
        { index: 4, action: "SELL" },
      ],
      { feeBps: 10, short: false, startIndex: 0 },
    );
    expect(sim.trades).toHaveLength(1);
    const [trade] = sim.trades;
    expect(trade?.entryPrice).toBe(open(2));
    expect(trade?.exitPrice).toBe(open(5));
    expect(trade?.return).toBeCloseTo((open(5) / open(2)) * (1 - fee) ** 2 - 1, 12);
    // Flat until the fill, in the market from candle 2's open to candle 5's open, flat after.
    expect(sim.equity[1]).toBe(1);
    expect(sim.equity[3]).toBeCloseTo((1 - fee) * (close(3) / open(2)), 12);
    expect(sim.equity.at(-1)).toBeCloseTo(1 + (trade?.return ?? 0), 12);
    expect(sim.exposure).toBeCloseTo(3 / 8, 12);
  });

  it("ignores a SELL when flat and a second BUY when long (long/flat)", () => {
    const sim = simulateTrades(
      candles,
      [
        { index: 0, action: "SELL" },
        { index: 1, action: "BUY" },
        { index: 2, action: "BUY" },
      ],
      { feeBps: 0, short: false, startIndex: 0 },
    );
    expect(sim.trades).toHaveLength(1);
    // Still long at the end: marked at the last close.
    expect(sim.trades[0]).toMatchObject({
      side: "long",
      entryPrice: open(2),
      exitPrice: close(7),
      openAtEnd: true,
    });
    expect(sim.equity.at(-1)).toBeCloseTo(close(7) / open(2), 12);
  });

  it("with --short, a SELL reverses into a short whose gain is the fall from entry", () => {
    const sim = simulateTrades(
      series([100, 100, 100, 80, 80, 90]),
      [
        { index: 0, action: "BUY" },
        { index: 1, action: "SELL" },
        { index: 3, action: "BUY" },
      ],
      { feeBps: 0, short: true, startIndex: 0 },
    );
    expect(sim.trades.map((t) => t.side)).toEqual(["long", "short", "long"]);
    const short = sim.trades[1];
    // Shorted at candle 2's open (99), covered at candle 4's (79.2): a 20% fall is a 20% gain.
    expect(short?.return).toBeCloseTo(0.2, 12);
  });

  it("leaves an alert on the last candle unfilled, since no next open exists", () => {
    const sim = simulateTrades(candles, [{ index: 7, action: "BUY" }], {
      feeBps: 10,
      short: false,
      startIndex: 0,
    });
    expect(sim.trades).toHaveLength(0);
    expect(sim.unfilled).toBe(1);
  });
});

describe("baseline and figures", () => {
  it("buys and holds from the first analysed close to the last, paying the fee both ways", () => {
    const equity = buyAndHoldEquity(candles, 2, 10);
    expect(equity).toHaveLength(6);
    expect(equity.at(-1)).toBeCloseTo((close(7) / close(2)) * 0.999 ** 2, 12);
  });

  it("measures drawdown from the running peak and Sharpe from per-close returns", () => {
    // 1.2 → 0.9 is deeper than 1.3 → 1.0.
    expect(maxDrawdown([1, 1.2, 0.9, 1.3, 1.0])).toBeCloseTo(0.25, 12);
    const equity = [1, 1.01, 1.0, 1.02, 1.03];
    const returns = equity.slice(1).map((v, i) => v / (equity[i] as number) - 1);
    const mean = returns.reduce((s, r) => s + r, 0) / returns.length;
    const sd = Math.sqrt(returns.reduce((s, r) => s + (r - mean) ** 2, 0) / (returns.length - 1));
    expect(sharpeRatio(equity, 365)).toBeCloseTo((mean / sd) * Math.sqrt(365), 10);
    expect(sharpeRatio([1, 1, 1], 365)).toBeNull();
    expect(equityFigures(equity, 365).totalReturn).toBeCloseTo(0.03, 12);
  });

  it("counts periods per year from the data's own times", () => {
    const daily = Array.from({ length: 366 }, (_, i) => i * DAY);
    expect(periodsPerYear(daily)).toBeCloseTo(365.25, 6);
  });
});
